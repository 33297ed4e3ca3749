using ConformityLab.Harness;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.Probes.Tests;

/// <summary>Every modem profile probed end to end on a real pty: exactly the expected non-conformities, and the command logs prove what was sent.</summary>
public class ModemProbeTests
{
    private static readonly Dictionary<string, string[]> ExpectedFails = new(StringComparer.Ordinal)
    {
        ["quectel-ec25"] = [],
        ["simcom-sim7600"] = [],
        ["nordic-nrf9160"] = [],
        ["sierra-mc7455"] = [],
        ["mtk-counterfeit-phone"] = ["imei.luhn", "imei.placeholder", "imei.slots-distinct", "manufacturer.consistency", "model.consistency", "id.write-command", "imei.tac-matches-device"],
        ["quectel-bg96-zero-imei"] = ["imei.placeholder", "imei.tac-known"],
        ["telit-le910-noisy"] = [],
    };

    private static IEnumerable<string> Profiles => ExpectedFails.Keys;

    private static async Task<(ProbeReport Report, IReadOnlyList<SimCommand> Log)> ProbeAsync(string profile, ProbeOptions options)
    {
        using var sim = SimulatedModem.Start(ModemProfiles.Load(profile), Rigs.NewLinkPath(profile));
        var target = new SerialDeviceTarget(new SerialTarget(sim.PortPath));
        var progress = new List<ProbeProgress>();
        var report = await ProbeRunner.RunAsync(target, options, null, new SyncProgress(progress), CancellationToken.None);
        Assert.That(progress.Select(p => p.ProbeId), Does.Contain("identify").And.Contain("done"));
        return (report, sim.CommandLog);
    }

    [TestCaseSource(nameof(Profiles))]
    public async Task ExactlyTheExpectedFindings_AndNoWriteOrIntrusiveCommandSent(string profile)
    {
        var (report, log) = await ProbeAsync(profile, Rigs.Options());
        Assert.That(Rigs.Fails(report).Keys, Is.EquivalentTo(ExpectedFails[profile]), string.Join("\n", report.Results.Select(r => $"{r.Finding.Id} {r.Finding.Verdict}: {r.Finding.Reason}")));
        Assert.That(log.Where(c => c.IdentifierWrite), Is.Empty, "no identifier write form may reach the device");
        Assert.That(log.Select(c => c.Command), Has.None.StartsWith("AT+CFUN"), "no reset without allow-intrusive");
        var reset = report.Results.Single(r => r.Descriptor.Id == "id.stable-across-reset");
        Assert.That(reset.Finding.Verdict, Is.EqualTo(Verdict.None));
        Assert.That(reset.Finding.Reason, Does.Contain("--allow-intrusive"));
        Assert.That(report.Results.Select(r => r.Descriptor.Id), Is.EqualTo(ProbeCatalogue.All.Select(p => p.Id)));

        // Only test forms of the write-command catalogue were sent for id.write-command.
        var sentTestForms = log.Select(c => c.Command).Where(c => WriteCommandCatalogue.BuiltIn.Commands.Any(w => w.TestForm == c)).ToList();
        Assert.That(sentTestForms, Is.EquivalentTo(WriteCommandCatalogue.BuiltIn.Commands.Select(w => w.TestForm)));
        Assert.That(report.Results.Where(r => r.Descriptor.Transports == ProbeTransports.Adb).Select(r => r.Finding.Verdict), Has.All.EqualTo(Verdict.None));
    }

    [Test]
    public async Task CounterfeitPort_WriteCommandAndTacFindings_CarryTheirEvidence()
    {
        var (report, _) = await ProbeAsync("mtk-counterfeit-phone", Rigs.Options());
        var write = report.Results.Single(r => r.Descriptor.Id == "id.write-command").Finding;
        Assert.That(write.Evidence, Has.Some.StartsWith("AT+EGMR=? -> +EGMR: (0,1),(7,10)"));
        Assert.That(write.Reason, Does.Contain("+EGMR"));
        var tac = report.Results.Single(r => r.Descriptor.Id == "imei.tac-matches-device").Finding;
        Assert.That(tac.Reason, Does.Contain("SAMSUNG").And.Contain("MediaTek"));
        Assert.That(tac.Evidence, Has.Some.Contains("bands"));
    }

    [Test]
    public async Task WithoutTacDatabase_TacChecksAreInconc()
    {
        var (report, _) = await ProbeAsync("quectel-ec25", Rigs.Options() with { TacDatabase = null, Only = ["imei.tac-known", "imei.tac-matches-device", "id.write-command"] });
        Assert.That(report.Results.Select(r => r.Descriptor.Id), Is.EqualTo(new[] { "id.write-command", "imei.tac-known", "imei.tac-matches-device" }));
        Assert.That(report.Results.Skip(1).Select(r => r.Finding.Verdict), Has.All.EqualTo(Verdict.Inconc));
    }

    [TestCase("quectel-ec25")]
    [TestCase("mtk-counterfeit-phone")]
    public async Task WithAllowIntrusive_TheResetProbeRuns_AndTheImeiIsStable(string profile)
    {
        var (report, log) = await ProbeAsync(profile, Rigs.Options(allowIntrusive: true) with { Only = ["id.stable-across-reset", "id.write-command"] });
        var reset = report.Results.Single(r => r.Descriptor.Id == "id.stable-across-reset").Finding;
        Assert.That(reset.Verdict, Is.EqualTo(Verdict.Pass), reset.Reason);
        Assert.That(reset.Evidence, Has.Some.StartsWith("AT+CFUN=1,1 -> OK"));
        var commands = log.Select(c => c.Command).ToList();
        Assert.That(commands, Has.One.EqualTo("AT+CFUN=1,1"));
        Assert.That(commands.Count(c => c == "AT+CGSN"), Is.EqualTo(2), "the IMEI is read again after the reset");
        Assert.That(log.Where(c => c.IdentifierWrite), Is.Empty, "even with allow-intrusive no probe sends a write form");
    }

    [Test]
    public async Task ModemThatRefusesTheReset_IsInconc()
    {
        var (report, log) = await ProbeAsync("sierra-mc7455", Rigs.Options(allowIntrusive: true) with { Only = ["id.stable-across-reset"] });
        Assert.That(report.Results.Single().Finding.Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(log.Select(c => c.Command), Has.One.EqualTo("AT+CFUN=1,1"));
    }

    [Test]
    public async Task MissingPort_Throws()
    {
        var target = new SerialDeviceTarget(new SerialTarget("/dev/nonexistent-conformitylab"));
        await Assert.ThrowsAsync(Is.InstanceOf<IOException>(), () => ProbeRunner.RunAsync(target, Rigs.Options(), null, null, CancellationToken.None));
    }

    /// <summary>Collects progress synchronously (Progress&lt;T&gt; posts to the thread pool).</summary>
    private sealed class SyncProgress(List<ProbeProgress> sink) : IProgress<ProbeProgress>
    {
        public void Report(ProbeProgress value)
        {
            lock (sink)
            {
                sink.Add(value);
            }
        }
    }
}
