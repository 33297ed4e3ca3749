using ConformityLab.Probes.Battery;
using ConformityLab.Probes.Checks;
using ConformityLab.Probes.Tac;

namespace ConformityLab.Probes.Tests;

public class ProbeChecksTests
{
    private static WriteCommand Cmd(string name) => WriteCommandCatalogue.BuiltIn.Commands.Single(c => c.Command == name);

    private static TestFormReply Reply(string name, bool ok, params string[] lines) =>
        new(Cmd(name), ok, lines, $"{Cmd(name).TestForm} -> ...", null);

    [Test]
    public void Catalogue_OnlyTestForms_AndEveryWriteFormIsGuarded()
    {
        var catalogue = WriteCommandCatalogue.BuiltIn;
        Assert.That(catalogue.Commands.Select(c => c.Command), Is.SupersetOf(new[] { "+EGMR", "+SIMEI", "^CIMEI" }));
        Assert.That(catalogue.Notes, Is.Not.Empty);
        foreach (var c in catalogue.Commands)
        {
            Assert.That(IdentifierWriteForms.IsWriteForm(c.TestForm, out _), Is.False, c.TestForm);
            Assert.That(IdentifierWriteForms.IsWriteForm(c.WriteForm.Replace("<imei>", "490154203237518", StringComparison.Ordinal), out _), Is.True, c.WriteForm);
        }
    }

    [Test]
    public void WriteCommand_Verdicts()
    {
        Assert.That(ProbeChecks.WriteCommand([Reply("+EGMR", true, "+EGMR: (0,1),(7,10)"), Reply("+SIMEI", false)]).Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(ProbeChecks.WriteCommand([Reply("+EGMR", true, "+EGMR: (0),(7,10)")]).Verdict, Is.EqualTo(Verdict.Pass), "read mode only");
        Assert.That(ProbeChecks.WriteCommand([Reply("+SIMEI", true)]).Verdict, Is.EqualTo(Verdict.Fail), "SIMEI's set form writes");
        Assert.That(ProbeChecks.WriteCommand([Reply("+EGMR", false), Reply("+SIMEI", false), Reply("^CIMEI", false)]).Verdict, Is.EqualTo(Verdict.Pass));
        Assert.That(ProbeChecks.WriteCommand([new TestFormReply(Cmd("+EGMR"), false, [], "timeout", "timed out")]).Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(ProbeChecks.WriteCommand([]).Verdict, Is.EqualTo(Verdict.Inconc));
    }

    [Test]
    public void TacChecks_WithoutDatabase_AreInconc_NeverPass()
    {
        var identity = new DeviceIdentity("t", "at", "Quectel", "EC25", null, ["861700031234563"], null, []);
        Assert.That(ProbeChecks.TacKnown(identity, null).Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(ProbeChecks.TacMatchesDevice(identity, null, null).Verdict, Is.EqualTo(Verdict.Inconc));
    }

    [Test]
    public void TacMatchesDevice_FailsOnAForeignBrand()
    {
        var db = TacImporter.Parse("12345678|MediaTek Inc.|MT6580 reference handset||||\n", "db");
        Reading Read(IdentityField f, string path, string value) => new(f, 1, path, ReadingStatus.Value, value, value);
        var identity = new DeviceIdentity("t", "at", "SAMSUNG", "SM-S928B", null, ["123456789012345"], null,
            [Read(IdentityField.Manufacturer, "AT+CGMI", "SAMSUNG"), Read(IdentityField.Manufacturer, "ATI", "MediaTek Inc."), Read(IdentityField.Model, "AT+CGMM", "SM-S928B")]);
        var f = ProbeChecks.TacMatchesDevice(identity, db, null);
        Assert.That(f.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(f.Reason, Does.Contain("AT+CGMI says 'SAMSUNG'").And.Not.Contain("ATI says"));
        Assert.That(ProbeChecks.TacKnown(identity, db).Verdict, Is.EqualTo(Verdict.Pass));
    }

    [TestCase("SIMCOM INCORPORATED", "SIMCom Wireless Solutions Limited", true, true)]
    [TestCase("google", "Google Inc", true, true)]
    [TestCase("SAMSUNG", "MediaTek Inc.", true, false)]
    [TestCase("Pixel 8", "Pixel 8", false, true)]
    [TestCase("Pixel 7", "Pixel 8", false, false)]
    [TestCase("SIMCOM_SIM7600E-H", "SIM7600E-H", false, true)]
    public void NamesMatch(string device, string reference, bool maker, bool match) =>
        Assert.That(ProbeChecks.NamesMatch(device, reference, maker), Is.EqualTo(match));

    private static TimedBatterySample S(double seconds, double celsius, int mv, int health, int status) =>
        new(TimeSpan.FromSeconds(seconds), new BatterySample(celsius, mv, health, status, true, 50), null);

    [Test]
    public void Battery_Thresholds()
    {
        var t = new BatteryThresholds();
        Assert.That(ProbeChecks.BatteryThermal([S(0, 30, 4000, 2, 2), S(1, 44.9, 4100, 2, 2)], t, []).Verdict, Is.EqualTo(Verdict.Pass));
        Assert.That(ProbeChecks.BatteryThermal([S(0, 30, 4000, 2, 2), S(1, 45.5, 4100, 2, 2)], t, []).Verdict, Is.EqualTo(Verdict.Fail), "above 45 °C while charging");
        Assert.That(ProbeChecks.BatteryThermal([S(0, 50, 4000, 2, 3)], t, []).Verdict, Is.EqualTo(Verdict.Pass), "50 °C discharging is within 60 °C");
        Assert.That(ProbeChecks.BatteryThermal([S(0, 40, 4000, 3, 3)], t, []).Verdict, Is.EqualTo(Verdict.Fail), "health overheat fails on its own");
        Assert.That(ProbeChecks.BatteryThermal([S(0, 50, 4000, 2, 2)], t with { MaxChargingTemperatureC = 55 }, []).Verdict, Is.EqualTo(Verdict.Pass), "thresholds are configurable");
        Assert.That(ProbeChecks.BatteryThermal([new TimedBatterySample(TimeSpan.Zero, null, null)], t, []).Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(ProbeChecks.BatteryVoltage([S(0, 30, 4400, 2, 2)], t, []).Verdict, Is.EqualTo(Verdict.Pass));
        Assert.That(ProbeChecks.BatteryVoltage([S(0, 30, 4500, 2, 2)], t, []).Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(ProbeChecks.BatteryVoltage([S(0, 30, 4000, 5, 2)], t, []).Verdict, Is.EqualTo(Verdict.Fail));
    }

    [Test]
    public void BatterySeries_KeepUnits()
    {
        var series = ProbeChecks.BatterySeries([S(0, 31.2, 4012, 2, 2), S(2, 35.6, 4030, 2, 2)], temperature: true, new BatteryThresholds());
        Assert.That(series.Single().Unit, Is.EqualTo("°C"));
        Assert.That(series.Single().Points.Select(p => p.Value), Is.EqualTo(new[] { 31.2, 35.6 }));
        Assert.That(ProbeChecks.BatterySeries([S(0, 31.2, 4012, 2, 2)], temperature: false, new BatteryThresholds()).Single().Unit, Is.EqualTo("mV"));
    }

    [Test]
    public void NotMeasurable_IsNone_AndRecordsDeclaredValues()
    {
        var f = ProbeChecks.NotMeasurable(new DeclaredSpec { SarHeadWkg = 0.98 });
        Assert.That(f.Verdict, Is.EqualTo(Verdict.None));
        Assert.That(f.Evidence, Has.Some.Contains("0.98 W/kg"));
        Assert.That(f.Reason, Does.Contain("SAR").And.Contain("RF power").And.Contain("substances"));
    }

    [TestCase("Filesystem     1K-blocks    Used Available Use% Mounted on\n/dev/block/dm-5 115451968 8210432 107110000   8% /data\n", 64.0, Verdict.Fail)]
    [TestCase("Filesystem     1K-blocks    Used Available Use% Mounted on\n/dev/block/dm-5 115451968 8210432 107110000   8% /data\n", 512.0, Verdict.Fail)]
    [TestCase("Filesystem     1K-blocks    Used Available Use% Mounted on\n/dev/block/dm-5 115451968 8210432 107110000   8% /data\n", 128.0, Verdict.Pass)]
    [TestCase("Filesystem     1K-blocks    Used Available Use% Mounted on\n/dev/block/dm-5 115451968 8210432 107110000   8% /data\n", null, Verdict.Inconc)]
    public void SpecStorage(string df, double? declared, Verdict verdict)
    {
        var capture = new Adb.Identity.ShellCapture("df -k /data", df, string.Empty, 0, null);
        Assert.That(ProbeChecks.SpecStorage(capture, new DeclaredSpec { StorageGb = declared }).Verdict, Is.EqualTo(verdict));
    }

    [Test]
    public void Select_UnknownIds_Throw_AndKnownAreInCatalogueOrder()
    {
        Assert.That(ProbeRunner.Select(["spec.ram", "id.write-command"]).Select(p => p.Id), Is.EqualTo(new[] { "id.write-command", "spec.ram" }));
        Assert.Throws<ArgumentException>(() => ProbeRunner.Select(["no.such-probe"]));
        Assert.That(ProbeCatalogue.All.Select(p => p.Id), Is.Unique);
        Assert.That(ProbeCatalogue.All.Where(p => p.Level == SafetyLevel.Intrusive).Select(p => p.Id), Is.EqualTo(new[] { "id.stable-across-reset" }));
    }
}
