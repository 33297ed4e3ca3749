using ConformityLab.Adb;
using ConformityLab.Adb.Simulator;
using ConformityLab.Harness;

namespace ConformityLab.Probes.Tests;

/// <summary>
/// Every Android profile attached to the REAL adb server (isolated on its own port), probed end to
/// end: exactly the expected non-conformities, the battery series, and what each device received.
/// </summary>
[NonParallelizable]
public class AndroidProbeTests
{
    private static readonly Dictionary<string, string[]> ExpectedFails = new(StringComparer.Ordinal)
    {
        ["genuine-pixel8-android14"] = [],
        ["dualsim-android8"] = [],
        ["lockeddown-android15"] = [],
        ["rooted-tampered"] = ["boot.verified-state", "boot.unlocked", "build.test-keys", "build.debuggable", "os.selinux", "os.root", "net.listening-ports", "pkg.unexpected-system"],

        // The fake-spec handset: chipset and RAM; its one IMEI on both slots, names that differ
        // between paths (the vendor partition says alps), firmware spyware and the MediaTek
        // engineering app are findings of their own.
        ["counterfeit-s23ultra"] = ["spec.chipset", "spec.ram", "imei.slots-distinct", "manufacturer.consistency", "model.consistency", "pkg.unexpected-system", "id.diag-interface", "imei.tac-matches-device"],
        ["battery-overheat"] = ["battery.thermal"],
    };

    private IsolatedAdbServer _server = null!;

    private static IEnumerable<string> Profiles => ExpectedFails.Keys;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await IsolatedAdbServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServer()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private async Task<(ProbeReport Report, IReadOnlyList<SimulatedCommand> Log)> ProbeAsync(string profile, ProbeOptions options, IProgress<ProbeProgress>? progress = null)
    {
        await using var device = await AndroidDeviceSimulator.StartAsync(AndroidProfiles.Load(profile), new AndroidSimulatorOptions(), CancellationToken.None);
        await _server.AttachAsync(device.Serial);
        try
        {
            var target = new AdbDeviceTarget(new AdbTarget(device.Serial, new AdbServerAddress("127.0.0.1", _server.Port)));
            var report = await ProbeRunner.RunAsync(target, options, null, progress, CancellationToken.None);
            return (report, device.CommandLog);
        }
        finally
        {
            await _server.Client.DisconnectAsync(device.Serial);
        }
    }

    [Test]
    public async Task Progress_MovesWhileTheBatteryIsSampled_AndNeverGoesBack()
    {
        var seen = new List<ProbeProgress>();
        await ProbeAsync("genuine-pixel8-android14", Rigs.Options(), new Collect(seen));
        var sampling = seen.Where(p => p.Message.StartsWith("battery sample", StringComparison.Ordinal)).Select(p => p.Done).ToList();
        Assert.That(sampling, Has.Count.GreaterThan(2));
        Assert.That(sampling, Is.Ordered.And.Unique, "each sample moves the bar, within the battery step");
        Assert.That(seen.Select(p => p.Done), Is.Ordered);
        Assert.That(seen[^1].Done, Is.EqualTo(seen[^1].Total));
    }

    private sealed class Collect(List<ProbeProgress> sink) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }

    [TestCaseSource(nameof(Profiles))]
    public async Task ExactlyTheExpectedFindings_AndNothingIntrusiveSent(string profile)
    {
        var (report, log) = await ProbeAsync(profile, Rigs.Options());
        var all = report.Identity.Findings.Concat(report.Results.Select(r => r.Finding)).ToList();
        Assert.That(Rigs.Fails(report).Keys, Is.EquivalentTo(ExpectedFails[profile]), string.Join("\n", all.Select(f => $"{f.Id} {f.Verdict}: {f.Reason}")));
        Assert.That(all.Select(f => f.Id), Is.Unique, "a probe's finding replaces the identification's finding of the same id");
        Assert.That(log.Select(c => c.Command), Has.None.Contains("reboot"));
        Assert.That(log.Select(c => c.Service), Has.None.StartsWith("reboot"));
        Assert.That(report.Results.Where(r => r.Descriptor.Transports == ProbeTransports.At).Select(r => r.Finding.Verdict), Has.All.EqualTo(Verdict.None));
        Assert.That(report.Results.Single(r => r.Descriptor.Id == "hazard.not-measurable").Finding.Verdict, Is.EqualTo(Verdict.None));
        Assert.That(report.Results.Single(r => r.Descriptor.Id == "imei.tac-known").Finding.Verdict, Is.EqualTo(Verdict.Pass));
    }

    [Test]
    public async Task OverheatingHandset_ThermalFails_WithItsSeriesInDegrees()
    {
        var (report, log) = await ProbeAsync("battery-overheat", Rigs.Options());
        var thermal = report.Results.Single(r => r.Descriptor.Id == "battery.thermal");
        Assert.That(thermal.Finding.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(thermal.Finding.Reason, Does.Contain("health 3 (overheat)").And.Contain("while charging"));
        var series = thermal.Series.Single(s => s.Name == "dumpsys battery temperature");
        Assert.That(series.Unit, Is.EqualTo("°C"));
        Assert.That(series.Points.Select(p => p.Value), Is.EqualTo(new[] { 31.2, 35.6, 39.8, 43.1, 46.2, 48.9, 51.4, 53.7 }).Within(1e-9));
        Assert.That(series.Points.Select(p => p.Offset), Is.Ordered);
        var voltage = report.Results.Single(r => r.Descriptor.Id == "battery.voltage");
        Assert.That(voltage.Finding.Verdict, Is.EqualTo(Verdict.Pass), voltage.Finding.Reason);
        Assert.That(voltage.Series.Single().Unit, Is.EqualTo("mV"));
        Assert.That(voltage.Series.Single().Points.Select(p => p.Value), Has.All.InRange(4000, 4200), "Max charging voltage (5000000) is not the voltage");
        Assert.That(log.Count(c => c.Command == "dumpsys battery"), Is.EqualTo(8), "one sampling run feeds both battery probes");
        Assert.That(thermal.Finding.Evidence, Has.Some.Contains("power_supply not readable"));
    }

    [Test]
    public async Task FakeSpecHandset_DeclaredSpecAndTacRecord_AreComparedToo()
    {
        var declared = new DeclaredSpec { RamGb = 12, Chipset = "Snapdragon 8 Gen 2", StorageGb = 256, SarHeadWkg = 0.99 };
        var (report, _) = await ProbeAsync("counterfeit-s23ultra", Rigs.Options() with { Declared = declared, Only = ["spec.ram", "spec.chipset", "spec.storage", "hazard.not-measurable"] });
        var ram = report.Results.Single(r => r.Descriptor.Id == "spec.ram").Finding;
        Assert.That(ram.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(ram.Reason, Does.Contain("12 GB is declared").And.Contain("TAC record says 8 GB"));
        var chipset = report.Results.Single(r => r.Descriptor.Id == "spec.chipset").Finding;
        Assert.That(chipset.Reason, Does.Contain("declared Snapdragon 8 Gen 2 (Qualcomm)").And.Contain("mt6580"));
        Assert.That(report.Results.Single(r => r.Descriptor.Id == "spec.storage").Finding.Verdict, Is.EqualTo(Verdict.Inconc), "the simulated shell has no df: not measured, never invented");
        Assert.That(report.Results.Single(r => r.Descriptor.Id == "hazard.not-measurable").Finding.Evidence, Has.Some.Contains("0.99 W/kg"));
        Assert.That(report.Results, Has.Count.EqualTo(4));
    }

    [TestCase("genuine-pixel8-android14")]
    [TestCase("counterfeit-s23ultra")]
    public async Task WithAllowIntrusive_AdbRebootRuns_AndTheImeisAreReadAgain(string profile)
    {
        var (report, log) = await ProbeAsync(profile, Rigs.Options(allowIntrusive: true) with { Only = ["id.stable-across-reset"] });
        var reset = report.Results.Single().Finding;
        Assert.That(reset.Verdict, Is.EqualTo(Verdict.Pass), reset.Reason);
        Assert.That(reset.Evidence, Has.Some.StartsWith("reboot: (adb reboot)"));
        Assert.That(log.Count(c => c.Service == "reboot"), Is.EqualTo(1));
        var rebootAt = log.ToList().FindIndex(c => c.Service == "reboot");
        Assert.That(log.Skip(rebootAt + 1).Select(c => c.Command), Has.Some.StartsWith("service call iphonesubinfo"), "the IMEIs are read again after the reboot");
    }

    [Test]
    public async Task RootedHandset_ReferenceListAllowsItsPorts()
    {
        var reference = new ModelReference { AllowedListeningPorts = new HashSet<int> { 1337, 8080, 2222 } };
        var (report, _) = await ProbeAsync("rooted-tampered", Rigs.Options() with { Reference = reference, Only = ["net.listening-ports"] });
        Assert.That(report.Results.Single().Finding.Verdict, Is.EqualTo(Verdict.Pass), report.Results.Single().Finding.Reason);
    }
}
