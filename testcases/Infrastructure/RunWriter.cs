using ConformityLab.Harness;
using ConformityLab.Runs;

namespace ConformityLab.TestCases;

/// <summary>Builds run records from device sessions and writes them through every sink.</summary>
public static class RunWriter
{
    /// <summary>The tool and its version, as records name it.</summary>
    public static string Tool { get; } = $"ConformityLab {typeof(RunWriter).Assembly.GetName().Version?.ToString(3)}";

    /// <summary>
    /// Every sink of a run: run.json, junit.xml, allure-results/ and, once the run is over, the
    /// reports and records (each failure kept apart, and run.json first, which the reports render from).
    /// </summary>
    public static SafeSinks Sinks(LabSettings settings, bool withReports) =>
        withReports ? new(new RunJsonSink(), new JUnitSink(), new AllureSink(), new ReportSink(settings)) : new(new RunJsonSink(), new JUnitSink(), new AllureSink());

    /// <summary>A provisional, file-safe name for a DUT before it has said what it is (<c>sim-quectel-ec25</c>, <c>ttyUSB2</c>, <c>adb-device</c>).</summary>
    public static string DeviceName(string dut) =>
        dut.StartsWith("sim:", StringComparison.OrdinalIgnoreCase) ? DeviceNames.Safe("sim-" + dut[4..], "sim-device")
        : DeviceTarget.TryParse(dut, out var target, out _) ? DeviceNames.ForTarget(target!)
        : "device";

    /// <summary>The devices renamed as a person would name them, once identified (model and IMEI digits, unique in the run).</summary>
    public static IReadOnlyList<DeviceRun> Named(IReadOnlyList<DeviceRun> devices)
    {
        var names = DeviceTarget.UniqueNames(devices.Select(d => DeviceNames.For(d.Identity, d.Name)));
        return devices.Select((d, i) => d with { Name = names[i] }).ToList();
    }

    /// <summary>A run with every planned case of every device, before any has run.</summary>
    public static RunRecord Planned(LabSettings settings, IReadOnlyList<string> duts, DateTimeOffset started)
    {
        var planned = CaseCatalog.Planned(settings.Plan);
        var names = DeviceTarget.UniqueNames(duts.Select(DeviceName));
        var devices = duts.Select((dut, i) => new DeviceRun(names[i], dut, null, planned.Select(CaseResult.Planned).ToList())).ToList();
        var runId = $"{started:yyyyMMdd'T'HHmmss'Z'}-{Guid.NewGuid().ToString("N")[..8]}";
        return new RunRecord(runId, Tool, settings.Plan, settings.Lab, settings.Sample, DecisionRule.NormativeCasesSimpleAcceptance, started, null, "running", devices);
    }

    /// <summary>A device's part with the results its session holds so far.</summary>
    public static DeviceRun WithResults(DeviceRun device, DeviceSession? session) => session is null ? device : device with
    {
        Identity = session.Identification?.Identity ?? device.Identity,
        Error = session.Error,
        Cases = device.Cases.Select(c => session.Results.TryGetValue(c.Case.Id, out var r) ? r : c).ToList(),
    };

    /// <summary>Saves the session's transcript under <c>transcripts/</c> and records its file and hash.</summary>
    public static async Task<DeviceRun> WithTranscriptAsync(DeviceRun device, DeviceSession session, string directory, CancellationToken cancellationToken)
    {
        var relative = Path.Combine("transcripts", $"{device.Name}.jsonl");
        var path = Path.Combine(directory, relative);
        await session.Transcript.SaveAsync(path, cancellationToken).ConfigureAwait(false);
        return device with { TranscriptFile = relative, TranscriptSha256 = await RunJsonSink.HashFileAsync(path, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>The output folder: the configured one, else <c>reports/run-&lt;id&gt;</c> under the working folder.</summary>
    public static string OutputFolder(LabSettings settings, RunRecord run) =>
        settings.Out is { } configured ? Path.GetFullPath(configured) : Path.Combine(Directory.GetCurrentDirectory(), "reports", $"run-{run.RunId}");
}
