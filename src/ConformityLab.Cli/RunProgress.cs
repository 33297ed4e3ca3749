using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ConformityLab.Cli;

/// <summary>
/// What every device of a running plan is doing: its current activity and how long it has been
/// on it (so a stuck device shows), its verdicts so far, and whether it is done. Fed by the run's
/// listener from NUnit's event thread and read by the display, so every member takes the lock.
/// </summary>
internal sealed class RunProgress(IReadOnlyList<string> devices, int casesEach, TimeProvider clock)
{
    /// <summary>Verdict keywords in the order the display counts them.</summary>
    public static readonly string[] Verdicts = ["pass", "fail", "inconc", "none", "error"];

    private static readonly int FailIndex = Array.IndexOf(Verdicts, "fail");
    private static readonly int ErrorIndex = Array.IndexOf(Verdicts, "error");

    private readonly Lock _lock = new();
    private readonly DateTimeOffset _started = clock.GetUtcNow();
    private readonly Dictionary<string, Device> _devices = devices.ToDictionary(d => d, d => new Device(d, clock.GetUtcNow()), StringComparer.Ordinal);

    /// <summary>The cases planned for each device.</summary>
    public int CasesEach => casesEach;

    /// <summary>One device's state, as a snapshot.</summary>
    /// <param name="Dut">The device as configured.</param>
    /// <param name="Name">Its provisional, file-safe name (the device has not said what it is yet).</param>
    /// <param name="Activity">What it is doing now.</param>
    /// <param name="Since">When it started doing it.</param>
    /// <param name="Counts">Its verdicts so far, in <see cref="Verdicts"/> order.</param>
    /// <param name="Step">Its probe steps done, when known.</param>
    /// <param name="Total">Its probe steps in all (0 before the probes start).</param>
    public sealed record DeviceState(string Dut, string Name, string Activity, DateTimeOffset Since, IReadOnlyList<int> Counts, double Step, int Total)
    {
        /// <summary>Cases that have a verdict.</summary>
        public int Finished => Counts.Sum();
    }

    /// <summary>
    /// The device is now doing <paramref name="activity"/>, part of <paramref name="probe"/>. The
    /// time on it counts from when the probe changed, not each sample of a long probe (battery sampling).
    /// </summary>
    public void Activity(string dut, string probe, string activity, double step, int total)
    {
        // The probes' last report is "done"; the device is done only when its cases are.
        activity = probe == "done" ? "cases" : activity;
        lock (_lock)
        {
            if (_devices.TryGetValue(dut, out var d))
            {
                if (d.Probe != probe)
                {
                    (d.Probe, d.Since) = (probe, clock.GetUtcNow());
                }

                (d.Activity, d.Step, d.Total) = (activity, step, total);
            }
        }
    }

    /// <summary>One of the device's cases ended with <paramref name="verdict"/>; returns whether that was its last.</summary>
    public bool CaseFinished(string dut, string verdict)
    {
        lock (_lock)
        {
            if (!_devices.TryGetValue(dut, out var d))
            {
                return false;
            }

            var index = Array.IndexOf(Verdicts, verdict);
            d.Counts[index < 0 ? ErrorIndex : index]++;
            var done = d.Counts.Sum() >= casesEach;
            if (d.Probe != "cases")
            {
                (d.Probe, d.Since) = ("cases", clock.GetUtcNow());
            }

            d.Activity = done ? "done" : "cases";
            return done;
        }
    }

    /// <summary>Every device, in the order given.</summary>
    public IReadOnlyList<DeviceState> Snapshot()
    {
        lock (_lock)
        {
            return devices.Select(dut => _devices[dut]).Select(d => new DeviceState(d.Dut, d.Name, d.Activity, d.Since, [.. d.Counts], d.Step, d.Total)).ToList();
        }
    }

    /// <summary>A device is done when all its cases have a verdict; it failed when one of them is fail or error.</summary>
    public static bool Done(DeviceState d, int casesEach) => d.Finished >= casesEach;

    /// <summary>Whether one of the device's cases failed or erred so far.</summary>
    public static bool Failing(DeviceState d) => d.Counts[FailIndex] + d.Counts[ErrorIndex] > 0;

    /// <summary>
    /// One line for the whole run: devices done, running and failing, cases and cases per second,
    /// and the running devices longest on one activity (at most <paramref name="slowest"/>).
    /// </summary>
    public string SummaryLine(int slowest = 3)
    {
        var now = clock.GetUtcNow();
        var states = Snapshot();
        var done = states.Count(d => Done(d, casesEach));
        var cases = states.Sum(d => d.Finished);
        var seconds = Math.Max((now - _started).TotalSeconds, 0.001);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{Elapsed(now - _started)} devices: {done} done, {states.Count - done} running, {states.Count(Failing)} with fail or error; cases {cases}/{states.Count * casesEach} ({cases / seconds:0.#}/s)");
        var slow = Slowest(states, now, slowest).ToList();
        return slow.Count == 0 ? line : line + "; slowest: " + string.Join(", ", slow.Select(d => $"{d.Name} {Show.Plain(d.Activity)} {Elapsed(now - d.Since)}"));
    }

    /// <summary>The running devices longest on their current activity.</summary>
    public IEnumerable<DeviceState> Slowest(IReadOnlyList<DeviceState> states, DateTimeOffset now, int count) =>
        states.Where(d => !Done(d, casesEach)).OrderByDescending(d => now - d.Since).ThenBy(d => d.Dut, StringComparer.Ordinal).Take(count);

    /// <summary>
    /// The live table: a row per device while the lot is small; past <paramref name="maxRows"/>
    /// devices, the summary line and the slowest devices only (a lot of 256 stays one screen).
    /// </summary>
    public IRenderable Render(int maxRows)
    {
        var now = clock.GetUtcNow();
        var states = Snapshot();
        var shown = states.Count <= maxRows ? states : Slowest(states, now, maxRows).ToList();
        var table = new Table().Border(TableBorder.Rounded).AddColumn(new TableColumn("device").NoWrap()).AddColumn("now").AddColumn(new TableColumn("for").RightAligned().NoWrap())
            .AddColumn(new TableColumn("cases").RightAligned().NoWrap()).AddColumn("verdicts so far");
        foreach (var d in shown)
        {
            var activity = d.Total > 0 && d.Activity is not ("cases" or "done") ? $"{d.Activity} ({d.Step.ToString("0", CultureInfo.InvariantCulture)}/{d.Total})" : d.Activity;
            table.AddRow(
                Show.Text(d.Name),
                Show.Text(activity.Length > 48 ? activity[..48] + "…" : activity),
                Done(d, casesEach) ? string.Empty : Elapsed(now - d.Since),
                $"{d.Finished}/{casesEach}",
                string.Join(" ", d.Counts.Select((n, i) => (n, i)).Where(x => x.n > 0).Select(x => x.i == FailIndex || x.i == ErrorIndex ? $"[red]{x.n} {Verdicts[x.i]}[/]" : $"{x.n} {Verdicts[x.i]}")));
        }

        var title = states.Count <= maxRows ? Show.Text(SummaryLine(0)) : Show.Text(SummaryLine(0) + $"; the {shown.Count} slowest running devices:");
        return new Rows(new Markup(title), table);
    }

    private static string Elapsed(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture) : t.ToString(@"m\:ss", CultureInfo.InvariantCulture);

    private sealed class Device(string dut, DateTimeOffset since)
    {
        public string Dut { get; } = dut;

        public string Name { get; } = TestCases.RunWriter.DeviceName(dut);

        public string Probe { get; set; } = "waiting";

        public string Activity { get; set; } = "waiting";

        public DateTimeOffset Since { get; set; } = since;

        public double Step { get; set; }

        public int Total { get; set; }

        public int[] Counts { get; } = new int[Verdicts.Length];
    }
}
