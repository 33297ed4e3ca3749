using System.Text.Json;
using ConformityLab.Harness;

namespace ConformityLab.Probes;

/// <summary>
/// The JSON form of a probe report, as <c>conformitylab probe --json</c> prints it:
/// <c>{"identity": {identify's JSON}, "probes": [{id, title, clause, level, verdict, reason,
/// evidence, series}], "verdict": worst}</c>. A series is <c>{name, unit, points: [{t, value}]}</c>
/// with <c>t</c> in seconds since the first sample.
/// </summary>
public static class ProbeReportJson
{
    /// <summary>Writes the report as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, ProbeReport report)
    {
        json.WriteStartObject();
        json.WritePropertyName("identity");
        IdentificationJson.Write(json, report.Identity);
        json.WriteStartArray("probes");
        foreach (var r in report.Results)
        {
            json.WriteStartObject();
            json.WriteString("id", r.Descriptor.Id);
            json.WriteString("title", r.Descriptor.Title);
            json.WriteString("clause", r.Descriptor.Clause);
            json.WriteString("level", r.Descriptor.Level.ToKeyword());
            json.WriteString("verdict", r.Finding.Verdict.ToKeyword());
            json.WriteString("role", r.Finding.Role);
            json.WriteString("reason", r.Finding.Reason);
            json.WriteStartArray("evidence");
            foreach (var e in r.Finding.Evidence)
            {
                json.WriteStringValue(e);
            }

            json.WriteEndArray();
            json.WriteStartArray("series");
            foreach (var s in r.Series)
            {
                json.WriteStartObject();
                json.WriteString("name", s.Name);
                json.WriteString("unit", s.Unit);
                json.WriteStartArray("points");
                foreach (var p in s.Points)
                {
                    json.WriteStartObject();
                    json.WriteNumber("t", Math.Round(p.Offset.TotalSeconds, 3));
                    json.WriteNumber("value", p.Value);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteString("verdict", report.Overall.ToKeyword());
        json.WriteString("conformity", report.Decision.StatementText);
        json.WriteEndObject();
    }

    /// <summary>The report as indented JSON text.</summary>
    public static string ToJson(ProbeReport report)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(json, report);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The catalogue as JSON: one object per probe (id, title, clause, level, transports, method).</summary>
    public static string CatalogueToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartArray();
            foreach (var p in ProbeCatalogue.All)
            {
                json.WriteStartObject();
                json.WriteString("id", p.Id);
                json.WriteString("title", p.Title);
                json.WriteString("clause", p.Clause);
                json.WriteString("level", p.Level.ToKeyword());
                json.WriteString("transports", p.Transports switch
                {
                    ProbeTransports.At => "at",
                    ProbeTransports.Adb => "adb",
                    _ => "at,adb",
                });
                json.WriteString("method", p.Method);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
