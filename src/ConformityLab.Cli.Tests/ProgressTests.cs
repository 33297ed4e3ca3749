using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Spectre.Console.Testing;

namespace ConformityLab.Cli.Tests;

/// <summary>certify's live progress: what each device is doing and for how long, and a lot that stays one screen.</summary>
[TestFixture]
public sealed class ProgressTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public void TimeOnAnActivity_CountsFromItsProbe_NotFromEachSample()
    {
        var clock = new FakeTimeProvider(Start);
        var progress = new RunProgress(["sim:a"], 3, clock);
        progress.Activity("sim:a", "battery", "battery sample 1/5", 6, 14);
        clock.Advance(TimeSpan.FromSeconds(40));
        progress.Activity("sim:a", "battery", "battery sample 5/5", 6.8, 14);

        var state = progress.Snapshot().Single();
        Assert.That(state.Activity, Is.EqualTo("battery sample 5/5"));
        Assert.That(clock.GetUtcNow() - state.Since, Is.EqualTo(TimeSpan.FromSeconds(40)), "the same probe: the clock did not restart");

        progress.Activity("sim:a", "thermal", "thermal zones", 7, 14);
        Assert.That(progress.Snapshot().Single().Since, Is.EqualTo(clock.GetUtcNow()), "a new probe restarts it");
    }

    [Test]
    public void ADevice_IsDoneWhenEveryPlannedCaseHasAVerdict_AndFailingCountsFailAndError()
    {
        var progress = new RunProgress(["sim:a", "sim:b"], 2, new FakeTimeProvider(Start));
        Assert.That(progress.CaseFinished("sim:a", "pass"), Is.False);
        Assert.That(progress.CaseFinished("sim:a", "none"), Is.True, "its second and last case");
        Assert.That(progress.CaseFinished("sim:b", "error"), Is.False);
        Assert.That(progress.CaseFinished("sim:nobody", "pass"), Is.False, "a device not in the run is ignored");

        var states = progress.Snapshot();
        Assert.That(states.Select(s => s.Activity), Is.EqualTo(new[] { "done", "cases" }));
        Assert.That(states.Select(RunProgress.Failing), Is.EqualTo(new[] { false, true }));
        Assert.That(states[0].Counts, Is.EqualTo(new[] { 1, 0, 0, 1, 0 }), "pass, fail, inconc, none, error");
    }

    [Test]
    public void TheSummaryLine_CountsDevicesAndCases_AndNamesTheSlowestRunningDevices()
    {
        var clock = new FakeTimeProvider(Start);
        var progress = new RunProgress(["sim:fast", "sim:stuck", "sim:slow"], 1, clock);
        progress.Activity("sim:stuck", "identify", "identifying over AT", 0, 14);
        clock.Advance(TimeSpan.FromSeconds(30));
        progress.Activity("sim:slow", "imei", "reading the IMEI", 1, 14);
        progress.CaseFinished("sim:fast", "fail");
        clock.Advance(TimeSpan.FromSeconds(10));

        Assert.That(progress.SummaryLine(2), Is.EqualTo(
            "0:40 devices: 1 done, 2 running, 1 with fail or error; cases 1/3 (0/s); slowest: sim-stuck identifying over AT 0:40, sim-slow reading the IMEI 0:10"));
    }

    [Test]
    public void ALargeLot_IsRenderedAsItsSummaryAndTheSlowestDevices_NotARowPerDevice()
    {
        var clock = new FakeTimeProvider(Start);
        var devices = Enumerable.Range(1, 256).Select(i => $"sim:quectel-ec25#{i}").ToList();
        var progress = new RunProgress(devices, 31, clock);
        foreach (var (dut, i) in devices.Select((d, i) => (d, i)))
        {
            progress.Activity(dut, "identify", "identifying over AT", 0, 14);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        var console = new TestConsole().Width(160);
        console.Write(progress.Render(maxRows: 10));
        var rows = console.Output.Split('\n').Where(l => l.Contains("identifying over AT", StringComparison.Ordinal)).ToList();
        Assert.That(rows, Has.Count.EqualTo(10));
        Assert.That(rows[0], Does.Contain("sim-quectel-ec25_1 "), "the longest on its activity first");
        Assert.That(console.Output, Does.Contain("devices: 0 done, 256 running").And.Contain("the 10 slowest running devices"));

        var small = new TestConsole().Width(160);
        small.Write(new RunProgress(devices.Take(3).ToList(), 31, clock).Render(maxRows: 10));
        Assert.That(small.Output, Does.Contain("sim-quectel-ec25_3").And.Not.Contain("slowest"), "a small run has a row per device");
    }

    [Test]
    public async Task CertifyInALog_PrintsALinePerCaseForAFewDevices_AndALinePerDeviceForALot()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"progress-{Guid.NewGuid():N}");
        try
        {
            var few = await Cli.RunAsync("certify", "sim:quectel-ec25", "--plan", "pretest", "--out", outDir + "-few");
            Assert.That(few.Stderr, Does.Match(@"\n  sim-quectel-ec25\s+IDN-\d+\s+(pass|none)\s"), few.Stderr);

            var lot = Enumerable.Repeat("sim:quectel-ec25", ProgressDisplay.LinesPerCaseUpTo + 2).ToArray();
            var many = await Cli.RunAsync(["certify", .. lot, "--plan", "pretest", "--out", outDir]);
            var lines = many.Stderr.Split('\n');
            Assert.That(lines.Count(l => l.Contains(" done: ", StringComparison.Ordinal)), Is.EqualTo(lot.Length), many.Stderr);
            Assert.That(lines.Where(l => l.Contains("IDN-001", StringComparison.Ordinal)), Is.Empty, "no line per case in a lot");
        }
        finally
        {
            foreach (var dir in new[] { outDir, outDir + "-few" }.Where(Directory.Exists))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Test]
    public async Task CertifyOnATerminal_DrawsTheLiveTable_WithEachDevicesActivity()
    {
        // script(1) gives the program a real pseudo-terminal for its stderr, as a lab engineer's shell would.
        var outDir = Path.Combine(Path.GetTempPath(), $"progress-tty-{Guid.NewGuid():N}");
        var typescript = outDir + ".typescript";
        try
        {
            var program = Cli.StartInfo();
            string[] parts = [program.FileName, .. program.ArgumentList, "certify", "sim:genuine-pixel8-android14", "sim:dead", "--plan", "certification", "--out", outDir,
                "--set", "Battery:SampleSeconds=3", "--set", "Battery:IntervalSeconds=1"];
            var command = string.Join(' ', parts.Select(a => "'" + a + "'"));
            var info = new ProcessStartInfo("script", ["-qec", command, typescript]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["TERM"] = "xterm";
            info.Environment["COLUMNS"] = "160";
            using var process = Process.Start(info)!;
            _ = process.StandardOutput.ReadToEndAsync();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(cts.Token);

            var screen = System.Text.RegularExpressions.Regex.Replace(await File.ReadAllTextAsync(typescript), @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty);
            Assert.That(screen, Does.Contain("verdicts so far").And.Contain("devices: 0 done, 2 running"), "the live table with its summary");
            Assert.That(screen, Does.Match(@"sim-genuine-pixel8-android14\s*│\s*battery sample \d/\d"), "the handset's current probe, as it samples");
            Assert.That(screen, Does.Match(@"sim-dead\s*│\s*done\s*│"), "the dead module is done, all its cases errors");
            Assert.That(screen, Does.Contain("devices: 2 done, 0 running, 1 with fail or error"), "the last state stays on screen");
        }
        finally
        {
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }

            File.Delete(typescript);
        }
    }
}
