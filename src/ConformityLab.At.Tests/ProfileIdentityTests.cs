using ConformityLab.At;
using ConformityLab.Harness;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.At.Tests;

/// <summary>
/// Every shipped modem profile identified end to end through the serial port: the identity, the
/// failing checks (exactly), no wrong IMEI, and no identifier write form in the simulator's log.
/// </summary>
public class ProfileIdentityTests
{
    public sealed record Expected(
        string Profile,
        string? Manufacturer,
        string? Model,
        string? Revision,
        string[] Imeis,
        string? ImeiSv,
        string[] Failing)
    {
        public override string ToString() => Profile;
    }

    public static IEnumerable<TestCaseData> Profiles() => new Expected[]
    {
        new("quectel-ec25", "Quectel", "EC25", "EC25EFAR06A06M4G", ["861700031234563"], "8617000312345601", []),
        new("simcom-sim7600", "SIMCOM INCORPORATED", "SIMCOM_SIM7600E-H", "SIM7600M22_V2.0", ["862459034021183"], null, []),
        new("nordic-nrf9160", "Nordic Semiconductor ASA", "nRF9160-SICA", "mfw_nrf9160_1.3.5", ["352404610301259"], "3524046103012509", []),
        new("sierra-mc7455", "Sierra Wireless, Incorporated", "MC7455", "SWI9X30C_02.24.05.06 r7040 CARMD-EV-FRMWR2 2017/05/19 06:23:09", ["359072061135725"], "3590720611357212", []),
        new("telit-le910-noisy", "Telit", "LE910C4-EU", "25.20.676", ["351701108842137"], null, []),
        new("quectel-bg96-zero-imei", "Quectel", "BG96", "BG96MAR02A07M1G", ["000000000000000"], null, ["imei.placeholder"]),
        new("mtk-counterfeit-phone", "SAMSUNG", "SM-S928B", "MOLY.WR8.W1449.MD.WG.MP.V110.P29", ["123456789012345", "123456789012345"], null,
            ["imei.luhn", "imei.placeholder", "imei.slots-distinct", "manufacturer.consistency", "model.consistency"]),

        // Genuine modules whose ATI is free-form or whose paths spell the maker differently: none may fail a check.
        new("simcom-sim800", "SIMCOM_Ltd", "SIMCOM_SIM800", "1418B04SIM800L24", ["862815024183392"], null, []),
        new("ublox-lara-r211", "u-blox", "LARA-R211", "30.44", ["357345080524125"], "3573450805241203", []),
        new("huawei-me909s", "Huawei Technologies Co., Ltd.", "ME909s-120", "11.617.01.00.00", ["861410035712669"], null, []),
    }.Select(e => new TestCaseData(e).SetName($"identify {e.Profile}"));

    [TestCaseSource(nameof(Profiles))]
    public async Task IdentifiesProfile(Expected expected)
    {
        using var sim = SimulatedModem.Start(ModemProfiles.Load(expected.Profile), ModemRig.NewLinkPath(expected.Profile));
        var result = await new SerialIdentifier().IdentifyAsync(new SerialTarget(sim.PortPath), new IdentifyOptions(), null, CancellationToken.None);
        var id = result.Identity;
        var report = string.Join("\n", result.Findings.Select(f => $"{f.Id} {f.Verdict.ToKeyword()} {f.Reason}"));

        Assert.That(id.Transport, Is.EqualTo("at"));
        Assert.That(id.Manufacturer, Is.EqualTo(expected.Manufacturer));
        Assert.That(id.Model, Is.EqualTo(expected.Model));
        Assert.That(id.Revision, Is.EqualTo(expected.Revision));
        Assert.That(id.Imeis, Is.EqualTo(expected.Imeis), "IMEIs in slot order, exactly as the device gives them");
        Assert.That(id.ImeiSv, Is.EqualTo(expected.ImeiSv));
        Assert.That(result.Findings.Where(f => f.Verdict == Verdict.Fail).Select(f => f.Id), Is.EquivalentTo(expected.Failing), report);
        Assert.That(result.Findings.Where(f => f.Verdict == Verdict.Error), Is.Empty, report);
        if (expected.Failing.Length == 0)
        {
            // A genuine module must be able to conform: nothing normative is left undecided.
            Assert.That(result.Decision.StatementText, Is.EqualTo("conforms"), report);
        }

        // Never a wrong IMEI: every value any path gave is one the device really holds.
        var read = id.Readings.Where(r => r.Field == IdentityField.Imei && r.Status == ReadingStatus.Value).Select(r => r.Value);
        Assert.That(read.Distinct(), Is.SubsetOf(expected.Imeis.Distinct()));

        // Never harm the device: no identifier write form reached it.
        Assert.That(sim.CommandLog.Where(c => c.IdentifierWrite), Is.Empty);
        Assert.That(sim.CommandLog, Is.Not.Empty);
    }

    [Test]
    public async Task EveryValueKeepsItsCommandAndRawReply()
    {
        using var sim = SimulatedModem.Start(ModemProfiles.Load("quectel-ec25"), ModemRig.NewLinkPath("ec25"));
        var result = await new SerialIdentifier().IdentifyAsync(new SerialTarget(sim.PortPath), new IdentifyOptions(), null, CancellationToken.None);
        var egmr = result.Identity.Readings.Single(r => r.Path == "AT+EGMR=0,7");
        Assert.That(egmr.Value, Is.EqualTo("861700031234563"));
        Assert.That(egmr.RawReply, Is.EqualTo("+EGMR: \"861700031234563\"\nOK"));
        Assert.That(sim.CommandLog.Select(c => c.Command), Is.SupersetOf(result.Identity.Readings.Select(r => r.Path).Distinct()));
    }

    [Test]
    public async Task NoisyPath_FallsBackToGsn_AndTheNoisyValueIsNotTrusted()
    {
        using var sim = SimulatedModem.Start(ModemProfiles.Load("telit-le910-noisy"), ModemRig.NewLinkPath("noisy"));
        var result = await new SerialIdentifier().IdentifyAsync(new SerialTarget(sim.PortPath), new IdentifyOptions(), null, CancellationToken.None);
        var imeiReadings = result.Identity.Readings.Where(r => r.Field == IdentityField.Imei).ToDictionary(r => r.Path);
        Assert.That(imeiReadings["AT+CGSN"].Status, Is.EqualTo(ReadingStatus.Noisy));
        Assert.That(imeiReadings["AT+GSN"].Value, Is.EqualTo("351701108842137"));
        Assert.That(result.Findings.Single(f => f.Id == "imei.consistency").Verdict, Is.EqualTo(Verdict.Inconc));
    }

    [Test]
    public async Task LateReplyDevice_ModelIsNeverTheDecoy()
    {
        using var sim = SimulatedModem.Start(ModemProfiles.Load("fault-late-reply"), ModemRig.NewLinkPath("late"));
        var options = new IdentifyOptions { CommandTimeout = TimeSpan.FromMilliseconds(500) };
        var result = await new SerialIdentifier().IdentifyAsync(new SerialTarget(sim.PortPath), options, null, CancellationToken.None);
        Assert.That(result.Identity.Readings.Where(r => r.Value == "LATE-DECOY"), Is.Empty);
        Assert.That(result.Identity.Manufacturer, Is.EqualTo("Punctual"));
        Assert.That(result.Identity.Model, Is.Null);
        Assert.That(result.Identity.Imeis, Is.EqualTo(new[] { "490154203237518" }));
    }

    [Test]
    public async Task DeviceUnpluggedMidIdentify_PartialIdentityWithAnErrorFinding()
    {
        var profile = ModemProfiles.Load("quectel-ec25");
        profile.Commands["AT+GSN"] = ["@hangup"];
        using var sim = SimulatedModem.Start(profile, ModemRig.NewLinkPath("unplug"));
        var result = await new SerialIdentifier().IdentifyAsync(new SerialTarget(sim.PortPath), new IdentifyOptions(), null, CancellationToken.None);
        Assert.That(result.Findings[0].Id, Is.EqualTo("session.channel"));
        Assert.That(result.Findings[0].Verdict, Is.EqualTo(Verdict.Error));
        Assert.That(result.Overall, Is.EqualTo(Verdict.Error));
        Assert.That(result.Identity.Manufacturer, Is.EqualTo("Quectel"), "what was read before the hang-up is kept");
        Assert.That(result.Identity.Imeis, Is.EqualTo(new[] { "861700031234563" }));
    }

    [Test]
    public void DeadDevice_DeviceNotResponding()
    {
        using var sim = SimulatedModem.Start(ModemProfiles.Load("dead"), ModemRig.NewLinkPath("dead"));
        var options = new IdentifyOptions { CommandTimeout = TimeSpan.FromMilliseconds(500), Settle = TimeSpan.FromMilliseconds(200) };
        Assert.That(
            async () => await new SerialIdentifier().IdentifyAsync(new SerialTarget(sim.PortPath), options, null, CancellationToken.None),
            Throws.TypeOf<DeviceNotRespondingException>());
    }

    [Test]
    public async Task ManyModemsAtOnce_EachGetsItsOwnIdentity()
    {
        var names = new[] { "quectel-ec25", "simcom-sim7600", "nordic-nrf9160", "sierra-mc7455", "mtk-counterfeit-phone", "telit-le910-noisy" };
        var sims = names.Select(n => SimulatedModem.Start(ModemProfiles.Load(n), ModemRig.NewLinkPath(n))).ToList();
        try
        {
            var results = await Task.WhenAll(sims.Select(s =>
                new SerialIdentifier().IdentifyAsync(new SerialTarget(s.PortPath), new IdentifyOptions(), null, CancellationToken.None)));
            var models = results.Select(r => r.Identity.Model).ToList();
            Assert.That(models, Is.EqualTo(new[] { "EC25", "SIMCOM_SIM7600E-H", "nRF9160-SICA", "MC7455", "SM-S928B", "LE910C4-EU" }));
        }
        finally
        {
            sims.ForEach(s => s.Dispose());
        }
    }
}
