using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ConformityLab.Runs;

/// <summary>
/// An <c>allure-results/</c> folder as the Allure 2/3 result format defines it (Allure.NUnit is not
/// in our package source): one <c>&lt;uuid&gt;-result.json</c> per case and device, with labels for
/// suite, feature, severity, clause and plan, parameters naming the device's identity, one step
/// per recorded exchange, the device's byte transcript as an attachment, and an
/// <c>environment.properties</c> with the lab, the tool and the sample.
/// </summary>
/// <remarks>
/// Verdicts map to Allure statuses as pass → passed, fail → failed, error → broken,
/// inconc → unknown, none → skipped. The real Allure generator checks the folder in the tests.
/// </remarks>
public sealed class AllureSink : IRunSink
{
    /// <summary>The folder name in the run folder.</summary>
    public const string FolderName = "allure-results";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>The Allure status of a verdict.</summary>
    public static string Status(Verdict verdict) => verdict switch
    {
        Verdict.Pass => "passed",
        Verdict.Fail => "failed",
        Verdict.Error => "broken",
        Verdict.Inconc => "unknown",
        _ => "skipped",
    };

    /// <inheritdoc />
    public async Task WriteAsync(RunRecord run, string directory, CancellationToken cancellationToken)
    {
        var results = Path.Combine(directory, FolderName);
        if (Directory.Exists(results))
        {
            Directory.Delete(results, recursive: true);
        }

        Directory.CreateDirectory(results);
        foreach (var device in run.Devices)
        {
            var attachment = await CopyTranscriptAsync(device, directory, results, cancellationToken).ConfigureAwait(false);
            foreach (var c in device.Cases)
            {
                var result = Result(run, device, c, attachment);
                await File.WriteAllTextAsync(Path.Combine(results, $"{result["uuid"]}-result.json"), JsonSerializer.Serialize(result, Json), cancellationToken).ConfigureAwait(false);
            }
        }

        var environment = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"lab.name={Escape(run.Lab.Name ?? "not set")}")
            .AppendLine(CultureInfo.InvariantCulture, $"lab.address={Escape(run.Lab.Address ?? "not set")}")
            .AppendLine(CultureInfo.InvariantCulture, $"lab.accreditation={Escape(run.Lab.AccreditationId ?? "-")}")
            .AppendLine(CultureInfo.InvariantCulture, $"tool={Escape(run.Tool)}")
            .AppendLine(CultureInfo.InvariantCulture, $"plan={Escape(run.Plan)}")
            .AppendLine(CultureInfo.InvariantCulture, $"run.id={Escape(run.RunId)}")
            .AppendLine(CultureInfo.InvariantCulture, $"sample.id={Escape(run.Sample.Id)}")
            .AppendLine(CultureInfo.InvariantCulture, $"sample.description={Escape(run.Sample.Description ?? "-")}")
            .AppendLine(CultureInfo.InvariantCulture, $"devices={Escape(string.Join(", ", run.Devices.Select(d => d.Target)))}")
            .AppendLine(CultureInfo.InvariantCulture, $"decision.rule={Escape(run.DecisionRule.Id)}");
        await File.WriteAllTextAsync(Path.Combine(results, "environment.properties"), environment.ToString(), cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, object?> Result(RunRecord run, DeviceRun device, CaseResult c, Dictionary<string, object?>? attachment)
    {
        var verdict = c.Verdict ?? (device.Error is null ? Verdict.None : Verdict.Error);
        var reason = c.Verdict is null ? device.Error ?? "not run (the run was interrupted)" : c.Reason;
        var start = (c.Start ?? run.Started).ToUnixTimeMilliseconds();
        var stop = (c.Stop ?? c.Start ?? run.Finished ?? run.Started).ToUnixTimeMilliseconds();
        var labels = new List<Dictionary<string, string>>
        {
            Label("parentSuite", device.Name),
            Label("suite", c.Case.Topic),
            Label("feature", c.Case.Topic),
            Label("story", c.Case.Finding),
            Label("severity", c.Case.Severity),
            Label("clause", c.Case.Clause),
            Label("plan", run.Plan),
            Label("tag", run.Plan),
            Label("host", device.Target),
            Label("framework", "ConformityLab"),
            Label("language", "csharp"),
            Label("AS_ID", c.Case.Id),
        };
        var parameters = new List<Dictionary<string, string>> { Parameter("device", device.Target) };
        if (device.Identity is { } id)
        {
            parameters.Add(Parameter("manufacturer", id.Manufacturer ?? "-"));
            parameters.Add(Parameter("model", id.Model ?? "-"));
            parameters.Add(Parameter("IMEI", id.Imeis.Count == 0 ? "-" : string.Join(" ", id.Imeis)));
        }

        var steps = c.Evidence.Select(e => new Dictionary<string, object?>
        {
            ["name"] = e,
            ["status"] = Status(verdict),
            ["stage"] = "finished",
            ["start"] = start,
            ["stop"] = stop,
            ["steps"] = Array.Empty<object>(),
            ["attachments"] = Array.Empty<object>(),
            ["parameters"] = Array.Empty<object>(),
        }).ToList();
        return new Dictionary<string, object?>
        {
            ["uuid"] = Guid.NewGuid().ToString(),
            ["historyId"] = Id($"{c.Case.FullName}|{device.Target}"),
            ["testCaseId"] = Id(c.Case.FullName),
            ["name"] = $"{c.Case.Id} {c.Case.Title}",
            ["fullName"] = $"{c.Case.FullName}[{device.Name}]",
            ["description"] = $"Method: {c.Case.Method}\n\nPass criteria: {c.Case.PassCriteria}\n\nReferences: {c.Case.Clause}; {c.Case.References}",
            ["status"] = Status(verdict),
            ["statusDetails"] = new Dictionary<string, object?> { ["message"] = $"{verdict.ToKeyword()}: {reason}", ["trace"] = string.Join("\n", c.Evidence) },
            ["stage"] = "finished",
            ["start"] = start,
            ["stop"] = stop,
            ["labels"] = labels,
            ["parameters"] = parameters,
            ["links"] = Array.Empty<object>(),
            ["steps"] = steps,
            ["attachments"] = attachment is null ? Array.Empty<object>() : new object[] { attachment },
        };
    }

    private static async Task<Dictionary<string, object?>?> CopyTranscriptAsync(DeviceRun device, string directory, string results, CancellationToken cancellationToken)
    {
        if (device.TranscriptFile is null || !File.Exists(Path.Combine(directory, device.TranscriptFile)))
        {
            return null;
        }

        var source = $"{Guid.NewGuid()}-attachment.jsonl";
        await using (var from = File.OpenRead(Path.Combine(directory, device.TranscriptFile)))
        await using (var to = File.Create(Path.Combine(results, source)))
        {
            await from.CopyToAsync(to, cancellationToken).ConfigureAwait(false);
        }

        return new Dictionary<string, object?> { ["name"] = $"transcript {device.Name} (every byte, JSON Lines)", ["source"] = source, ["type"] = "application/x-ndjson" };
    }

    private static Dictionary<string, string> Label(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static Dictionary<string, string> Parameter(string name, string value) => new() { ["name"] = name, ["value"] = value };

    // Allure keys history by an opaque id; a truncated SHA-256 serves (MD5, its usual choice, is refused by CA5351).
    private static string Id(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
