using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConformityLab.Reports;

/// <summary>
/// <c>run.json</c> as the report reads it: its own view of the file's contract, so that a run
/// written by any version of the harness that keeps the contract can be rendered again.
/// </summary>
public sealed record RunFile(
    string RunId,
    string Tool,
    string Plan,
    string Status,
    DateTimeOffset Started,
    DateTimeOffset? Finished,
    RunFileLab Lab,
    RunFileSample Sample,
    RunFileRule DecisionRule,
    RunFileMethod? Method,
    IReadOnlyList<RunFileDevice> Devices)
{
    /// <summary>The file's name in a run folder.</summary>
    public const string FileName = "run.json";

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <summary>Reads <c>run.json</c> from a run folder.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no run.json.</exception>
    /// <exception cref="FormatException">run.json is not a run record; the message says where.</exception>
    public static async Task<RunFile> ReadAsync(string runFolder, CancellationToken cancellationToken)
    {
        var path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"'{runFolder}' holds no {FileName}: give the folder a certify run wrote (reports/run-<id>)", path);
        }

        try
        {
            await using var stream = File.OpenRead(path);
            var run = await JsonSerializer.DeserializeAsync<RunFile>(stream, Options, cancellationToken).ConfigureAwait(false);
            return run is { RunId: not null, Devices: not null, Lab: not null, Sample: not null, DecisionRule: not null } ? run : throw new FormatException($"{path} is not a run record (runId, lab, sample, decisionRule or devices is missing)");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path} is not a readable run record: {e.Message.Split(". ", 2)[0]}", e);
        }
    }
}

/// <summary>The lab as run.json holds it.</summary>
public sealed record RunFileLab(string? Name, string? Address, string? AccreditationId, string? Location, string? AuthoriserName, string? AuthoriserRole);

/// <summary>The sample as run.json holds it.</summary>
public sealed record RunFileSample(string? Id, string? Customer, string? Description, DateOnly? ReceivedOn, IReadOnlyDictionary<string, string>? Declared, string? Condition = null);

/// <summary>The decision rule.</summary>
public sealed record RunFileRule(string Id, string Text);

/// <summary>The method: the plan, its version and its cases.</summary>
public sealed record RunFileMethod(string Plan, string Version, IReadOnlyList<RunFileMethodCase> Cases);

/// <summary>A case of the method.</summary>
public sealed record RunFileMethodCase(string Id, string Title, string Topic, string Clause, string Role, string? Method, string? PassCriteria, string? References);

/// <summary>A device's part of the run.</summary>
public sealed record RunFileDevice(
    string Name,
    string Target,
    string? Error,
    string? Overall,
    string? Conformity,
    IReadOnlyList<string>? NotRun,
    IReadOnlyList<string>? Undecided,
    DeviceIdentity? Identity,
    string? TranscriptFile,
    string? TranscriptSha256,
    IReadOnlyList<RunFileCase> Cases);

/// <summary>A case's result.</summary>
public sealed record RunFileCase(
    string Id,
    string Title,
    string Topic,
    string Clause,
    string? Finding,
    string Role,
    string? Verdict,
    string? Reason,
    IReadOnlyList<Measurement>? Measurements,
    IReadOnlyList<TimeSeries>? Series,
    string? EvidenceSha256,
    IReadOnlyList<string>? Evidence,
    DateTimeOffset? Start,
    DateTimeOffset? Stop);
