using ConformityLab.Runs;

namespace ConformityLab.TestCases;

/// <summary>
/// The run around every case of this assembly, however it is run (<c>dotnet test</c> or
/// <c>conformitylab certify</c>): the planned cases of every device are written to
/// <c>run.json</c> before the first case runs, run.json is rewritten as cases end (at most once a
/// second, whatever the number of devices), and at the end come junit.xml, allure-results/ and
/// each device's byte transcript.
/// </summary>
[SetUpFixture]
public sealed class LabRunFixture
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static RunRecord? _run;
    private static string? _out;

    /// <summary>The run folder of the run in progress, once planned.</summary>
    public static string? OutputFolder => _out;

    /// <summary>The settings of the run in progress, read once when it is planned.</summary>
    public static LabSettings? Settings { get; private set; }

    [OneTimeSetUp]
    public async Task PlanAsync()
    {
        DeviceSessions.Reset();
        var settings = LabSettings.FromTestContext();
        Settings = settings;
        var run = RunWriter.Planned(settings, settings.Duts, DateTimeOffset.UtcNow);
        _out = RunWriter.OutputFolder(settings, run);
        _run = run;
        await new RunJsonSink().WriteAsync(run, _out, CancellationToken.None);

        // Every device's session opens now, all at once. NUnit runs an async case on a worker that
        // blocks while the case waits, so had each session opened on its device's first case, the
        // number of workers would bound how many devices probe at once: with 64 devices and 32
        // workers, the second half only started when the first had finished. A case now waits on
        // its own device alone.
        foreach (var dut in settings.Duts)
        {
            _ = DeviceSessions.GetAsync(dut, settings.Probes, settings.DeviceTimeout);
        }

        TestContext.Progress.WriteLine($"ConformityLab: plan '{settings.Plan}' on {string.Join(", ", settings.Duts)}: {run.Devices[0].Cases.Count} cases each; run folder {_out}");
    }

    /// <summary>run.json is rewritten at most this often while cases run (and at once at the end).</summary>
    public static readonly TimeSpan RewriteInterval = TimeSpan.FromSeconds(1);

    private static readonly CoalescedWrite Rewrite = new(RewriteAsync, RewriteInterval);

    /// <summary>
    /// Asks for run.json to be rewritten with every result so far (each case calls it as it ends):
    /// within <see cref="RewriteInterval"/>, once for all the cases that ended meanwhile.
    /// </summary>
    public static Task CaseFinishedAsync()
    {
        Rewrite.Request();
        return Task.CompletedTask;
    }

    private static async Task RewriteAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_run is null || _out is null)
            {
                return;
            }

            var devices = new List<DeviceRun>();
            foreach (var device in _run.Devices)
            {
                devices.Add(RunWriter.WithResults(device, await DeviceSessions.PeekAsync(device.Target)));
            }

            _run = _run with { Devices = devices };
            await new RunJsonSink().WriteAsync(_run, _out, CancellationToken.None);
        }
        finally
        {
            Gate.Release();
        }
    }

    [OneTimeTearDown]
    public Task ReportAsync() => FinishAsync("finished");

    /// <summary>
    /// Stops the run in progress (SIGINT, SIGTERM, a whole-run bound): every device session is
    /// cancelled and closed (serial ports unlocked, ADB connections closed, simulators stopped),
    /// and run.json, junit.xml and allure-results/ are written with the status <c>interrupted</c>.
    /// Cases that did not run keep a null verdict, so no device can conform. Returns the run folder,
    /// or null when no run was in progress.
    /// </summary>
    public static async Task<string?> InterruptAsync(string reason)
    {
        DeviceSessions.Abort();
        var folder = _out;
        TestContext.Progress.WriteLine($"ConformityLab: run interrupted ({reason}); closing the device sessions");
        await FinishAsync("interrupted");
        return folder;
    }

    private static async Task FinishAsync(string status)
    {
        if (_run is null || _out is null)
        {
            return;
        }

        await Gate.WaitAsync();
        try
        {
            if (_run is null || _out is null)
            {
                return;
            }

            var closed = new List<(DeviceRun Device, DeviceSession? Session)>();
            foreach (var planned in _run.Devices)
            {
                var session = await DeviceSessions.CloseAsync(planned.Target);
                closed.Add((RunWriter.WithResults(planned, session), session));
            }

            var named = RunWriter.Named(closed.Select(c => c.Device).ToList());
            var devices = new List<DeviceRun>();
            for (var i = 0; i < named.Count; i++)
            {
                devices.Add(closed[i].Session is { } session ? await RunWriter.WithTranscriptAsync(named[i], session, _out, CancellationToken.None) : named[i]);
            }

            var complete = devices.All(d => d.Cases.All(c => c.Verdict is not null));
            var run = _run with { Devices = devices, Finished = DateTimeOffset.UtcNow, Status = status == "finished" && !complete ? "interrupted" : status };
            var sinks = RunWriter.Sinks(Settings ?? LabSettings.FromTestContext(), withReports: true);
            await sinks.WriteAsync(run, _out, CancellationToken.None);
            foreach (var failure in sinks.Failures)
            {
                TestContext.Progress.WriteLine($"ConformityLab: a result sink failed: {failure}");
            }

            TestContext.Progress.WriteLine($"ConformityLab: overall {run.Overall.ToKeyword()} ({Conformity.Text(run.Statement)}); run.json, junit.xml, allure-results/ and devices/<name>/report.pdf in {_out}");
            _run = null;
            Settings = null;
        }
        finally
        {
            Gate.Release();
        }
    }
}
