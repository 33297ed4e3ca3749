using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConformityLab.Runs;

/// <summary>
/// <c>run.json</c>: the run record as JSON. It is written atomically (temp file, then rename) at
/// the start with every planned case, as cases end (at most once a second), and at the end, so an interrupted run is
/// still readable and never half-written.
/// </summary>
public sealed class RunJsonSink : IRunSink
{
    /// <summary>The file name in the run folder.</summary>
    public const string FileName = "run.json";

    /// <summary>The JSON options of the record: camelCase, enums as lower-case text, no HTML escaping.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new VerdictConverter(), new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <inheritdoc />
    public async Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, FileName);
        var temp = path + ".tmp";
        var document = new
        {
            run.RunId,
            run.Tool,
            run.Plan,
            run.Status,
            run.Started,
            run.Finished,
            run.Lab,
            run.Sample,
            run.DecisionRule,
            Method = new
            {
                run.Plan,
                Version = run.Tool,
                Cases = (run.Devices.Count > 0 ? run.Devices[0].Cases : []).Select(c => new
                {
                    c.Case.Id,
                    c.Case.Title,
                    c.Case.Topic,
                    c.Case.Clause,
                    Role = c.Case.Role,
                    c.Case.Method,
                    c.Case.PassCriteria,
                    c.Case.References,
                }),
            },
            Overall = run.Overall,
            Conformity = Conformity.Text(run.Statement),
            Devices = run.Devices.Select(d => (Device: d, Decision: d.Decision)).Select(x => new
            {
                x.Device.Name,
                x.Device.Target,
                x.Device.Error,
                x.Decision.Overall,
                Conformity = x.Decision.StatementText,
                NotRun = x.Decision.NotRun,
                Undecided = x.Decision.Undecided,
                x.Device.Identity,
                x.Device.TranscriptFile,
                x.Device.TranscriptSha256,
                Cases = x.Device.Cases.Select(c => new
                {
                    c.Case.Id,
                    c.Case.Title,
                    c.Case.Topic,
                    c.Case.Clause,
                    c.Case.Finding,
                    c.Role,
                    Verdict = c.Verdict,
                    c.Reason,
                    Measurements = c.Measurements ?? [],
                    Series = c.Series ?? [],
                    c.EvidenceSha256,
                    c.Evidence,
                    c.Start,
                    c.Stop,
                }),
            }),
        };
        await File.WriteAllTextAsync(temp, JsonSerializer.Serialize(document, Options) + "\n", cancellationToken).ConfigureAwait(false);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>SHA-256 of evidence lines (UTF-8, LF-joined), hex.</summary>
    public static string HashEvidence(IEnumerable<string> evidence) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', evidence))));

    /// <summary>SHA-256 of a file, hex.</summary>
    public static async Task<string> HashFileAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken).ConfigureAwait(false));
    }

    private sealed class VerdictConverter : JsonConverter<Verdict>
    {
        public override Verdict Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Verdicts.TryParse(reader.GetString(), out var verdict) ? verdict : throw new JsonException($"'{reader.GetString()}' is not a TTCN-3 verdict");

        public override void Write(Utf8JsonWriter writer, Verdict value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToKeyword());
    }
}
