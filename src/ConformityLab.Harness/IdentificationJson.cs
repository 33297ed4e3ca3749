using System.Text.Json;

namespace ConformityLab.Harness;

/// <summary>
/// The JSON form of an identification, as <c>conformitylab identify --json</c> prints it. Keys
/// are fixed: target, transport, manufacturer, model, revision, imeis, imeisv, findings; then
/// readings (every path tried, with its raw reply) and unsolicited.
/// </summary>
public static class IdentificationJson
{
    /// <summary>Writes the identification as one JSON object.</summary>
    public static void Write(Utf8JsonWriter json, Identification result)
    {
        var id = result.Identity;
        json.WriteStartObject();
        json.WriteString("target", id.Target);
        json.WriteString("transport", id.Transport);
        json.WriteString("manufacturer", id.Manufacturer);
        json.WriteString("model", id.Model);
        json.WriteString("revision", id.Revision);
        json.WriteStartArray("imeis");
        foreach (var imei in id.Imeis)
        {
            json.WriteStringValue(imei);
        }

        json.WriteEndArray();
        json.WriteString("imeisv", id.ImeiSv);
        var decision = result.Decision;
        json.WriteString("overall", decision.Overall.ToKeyword());
        json.WriteString("conformity", decision.StatementText);
        json.WriteStartArray("findings");
        foreach (var f in result.Findings)
        {
            json.WriteStartObject();
            json.WriteString("id", f.Id);
            json.WriteString("verdict", f.Verdict.ToKeyword());
            json.WriteString("role", f.Role);
            json.WriteString("reason", f.Reason);
            json.WriteStartArray("evidence");
            foreach (var e in f.Evidence)
            {
                json.WriteStringValue(e);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("readings");
        foreach (var r in id.Readings)
        {
            json.WriteStartObject();
            json.WriteString("field", r.Field.ToString().ToLowerInvariant());
            json.WriteNumber("slot", r.Slot);
            json.WriteString("path", r.Path);
            json.WriteString("status", r.Status.ToString().ToLowerInvariant());
            json.WriteString("value", r.Value);
            json.WriteString("reply", r.RawReply);
            json.WriteString("note", r.Note);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("unsolicited");
        foreach (var u in result.Unsolicited)
        {
            json.WriteStringValue(u);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The identification as indented JSON text.</summary>
    public static string ToJson(Identification result)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(json, result);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
