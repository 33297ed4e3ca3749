using System.Collections.Concurrent;
using System.Net.Sockets;
using ConformityLab.Adb;
using ConformityLab.Adb.Simulator;
using ConformityLab.Harness;
using ConformityLab.Probes;
using ConformityLab.Runs;
using ConformityLab.Simulators;

namespace ConformityLab.TestCases;

/// <summary>
/// One device under test for the length of a run: opened once, read once (identity, checks and
/// markers), then asked by every case for the finding it asserts on. A device that cannot be
/// run leaves an <see cref="Error"/> that makes each of its cases <c>error</c>, and only its own.
/// </summary>
public sealed class DeviceSession : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private DeviceSession(string dut) => Dut = dut;

    /// <summary>The device under test as configured (<c>serial:</c>, <c>adb:</c> or <c>sim:</c>).</summary>
    public string Dut { get; }

    /// <summary>The target actually opened (a <c>sim:</c> DUT becomes the simulator's pty or ADB serial).</summary>
    public DeviceTarget? Target { get; private set; }

    /// <summary>What was read, when the device could be run.</summary>
    public Identification? Identification { get; private set; }

    /// <summary>What each probe found, when the device could be run.</summary>
    public IReadOnlyList<ProbeResult> Probes { get; private set; } = [];

    /// <summary>Why the device could not be run.</summary>
    public string? Error { get; private set; }

    /// <summary>Every byte exchanged with the device.</summary>
    public Transcript Transcript { get; private set; } = new("unopened");

    /// <summary>Each case's result, by case id, as the cases finish.</summary>
    public ConcurrentDictionary<string, CaseResult> Results { get; } = new(StringComparer.Ordinal);

    /// <summary>The finding of a check or probe, or null when this device's transport does not give it.</summary>
    public Finding? Find(string findingId) =>
        Probes.FirstOrDefault(p => p.Finding.Id == findingId)?.Finding ?? Identification?.Findings.FirstOrDefault(f => f.Id == findingId);

    /// <summary>A session that never opened, with the reason.</summary>
    public static DeviceSession Failed(string dut, string error)
    {
        var session = new DeviceSession(dut) { Error = error };
        session.Transcript.Note($"device could not be run: {error}");
        return session;
    }

    /// <summary>
    /// Opens the device and runs every probe once, within <paramref name="timeout"/>. Never throws
    /// for a device fault, a device timeout or the run being stopped: each is kept in <see cref="Error"/>,
    /// so every case of this device is <c>error</c> with that reason.
    /// </summary>
    public static async Task<DeviceSession> OpenAsync(string dut, ProbeSettings settings, TimeSpan timeout, CancellationToken abort)
    {
        var session = new DeviceSession(dut);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(abort);
        bound.CancelAfter(timeout);
        var cancellationToken = bound.Token;
        var activity = DeviceActivity.For(dut);
        try
        {
            activity.Stage(SimulatedTarget.Is(dut) ? "starting the simulator" : "opening");
            session.Target = SimulatedTarget.Is(dut)
                ? await session.StartSimulatorAsync(dut, cancellationToken).ConfigureAwait(false)
                : DeviceTarget.TryParse(dut, out var target, out var error) ? target! : throw new InvalidOperationException(error);
            session.Transcript = new Transcript(session.Target.Text);
            var options = await settings.ToOptionsAsync(cancellationToken).ConfigureAwait(false);
            var report = await ProbeRunner.RunAsync(session.Target, options, session.Transcript, activity, cancellationToken).ConfigureAwait(false);
            session.Identification = report.Identity;
            session.Probes = report.Results;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or InvalidDataException or SocketException or ArgumentException)
        {
            session.Error = e.Message;
            session.Transcript.Note($"device could not be run: {e.Message}");
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            session.Error = abort.IsCancellationRequested
                ? "interrupted: the run was stopped before this device finished"
                : $"device timeout after {timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s: the device did not finish its probes in time";
            session.Transcript.Note(session.Error);
        }

        return session;
    }

    private async Task<DeviceTarget> StartSimulatorAsync(string dut, CancellationToken cancellationToken)
    {
        var sim = await SimulatedTarget.StartAsync(dut, cancellationToken).ConfigureAwait(false);
        _owned.Add(sim);
        return sim.Target;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        _owned.Clear();
    }
}

/// <summary>
/// The sessions of the devices under test in this process, one per DUT, opened on first use and
/// shared by every case of that DUT. Several runs (one per device, as <c>conformitylab certify</c>
/// does) share the process, so sessions are keyed by DUT.
/// </summary>
public static class DeviceSessions
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<DeviceSession>>> Sessions = new(StringComparer.Ordinal);

    // NUnit gives the cases no host object to hang the run on, so the stop signal of the run in
    // this process lives here; InterruptAsync fires it and the next run gets a fresh one.
    private static CancellationTokenSource _abort = new();

    /// <summary>The session of <paramref name="dut"/>, opening it (and running its probes) on first use, bounded by <paramref name="timeout"/>.</summary>
    public static Task<DeviceSession> GetAsync(string dut, ProbeSettings settings, TimeSpan timeout)
    {
        var abort = _abort.Token;
        return Sessions.GetOrAdd(dut, d => new Lazy<Task<DeviceSession>>(() => OpenBoundedAsync(d, settings, timeout, abort))).Value;
    }

    /// <summary>Stops every session in progress: their probes are cancelled and their cases become errors.</summary>
    public static void Abort() => _abort.Cancel();

    /// <summary>A fresh stop signal for the next run in this process.</summary>
    public static void Reset()
    {
        if (_abort.IsCancellationRequested)
        {
            _abort = new CancellationTokenSource();
        }
    }

    /// <summary>
    /// Even a call that ignores cancellation (a blocking open of a port) cannot hold a case past
    /// the device timeout: the case gets an errored session a few seconds after the bound.
    /// </summary>
    private static async Task<DeviceSession> OpenBoundedAsync(string dut, ProbeSettings settings, TimeSpan timeout, CancellationToken abort)
    {
        var open = DeviceSession.OpenAsync(dut, settings, timeout, abort);
        try
        {
            return await open.WaitAsync(timeout + TimeSpan.FromSeconds(5), abort).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            _ = open.ContinueWith(t => t.Result.DisposeAsync().AsTask(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            return DeviceSession.Failed(dut, e is TimeoutException
                ? $"device timeout after {timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture)} s: the device's session did not even open"
                : "interrupted: the run was stopped before this device finished");
        }
    }

    /// <summary>The session of <paramref name="dut"/> if it was opened, without opening it.</summary>
    public static async Task<DeviceSession?> PeekAsync(string dut) =>
        Sessions.TryGetValue(dut, out var lazy) && lazy.IsValueCreated && lazy.Value.IsCompleted ? await lazy.Value.ConfigureAwait(false) : null;

    /// <summary>Removes and closes the session of <paramref name="dut"/>, returning it (still readable) if it was opened.</summary>
    public static async Task<DeviceSession?> CloseAsync(string dut)
    {
        if (!Sessions.TryRemove(dut, out var lazy) || !lazy.IsValueCreated)
        {
            return null;
        }

        // After an abort the open finishes within moments; never wait on it longer than that.
        DeviceSession session;
        try
        {
            session = await lazy.Value.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }

        await session.DisposeAsync().ConfigureAwait(false);
        return session;
    }
}
