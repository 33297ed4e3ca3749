using ConformityLab.Checks;

namespace ConformityLab.Checks.Tests;

public class IdentifierChecksTests
{
    private static Reading Imei(string path, string? value, int slot = 1, ReadingStatus status = ReadingStatus.Value) =>
        new(IdentityField.Imei, slot, path, value is null ? ReadingStatus.NotSupported : status, value, value ?? "ERROR");

    private static DeviceIdentity Identity(IReadOnlyList<string> imeis, string? imeisv, params Reading[] readings) =>
        new("serial:/dev/test", "at", "Maker", "Model", "1.0", imeis, imeisv, readings);

    private static Finding Find(DeviceIdentity identity, string id) =>
        IdentifierChecks.Evaluate(identity).Single(f => f.Id == id);

    [Test]
    public void GenuineSingleSlot_AllPass()
    {
        var id = Identity(["490154203237518"], "4901542032375101",
            Imei("AT+CGSN", "490154203237518"),
            Imei("AT+GSN", "490154203237518"),
            new Reading(IdentityField.ImeiSv, 1, "AT+CGSN=2", ReadingStatus.Value, "4901542032375101", "+CGSN: \"4901542032375101\"\nOK"));
        var findings = IdentifierChecks.Evaluate(id);
        var imeiFindings = findings.Where(f => f.Id.StartsWith("imei", StringComparison.Ordinal) && f.Id != "imei.slots-distinct");
        Assert.That(imeiFindings.Select(f => f.Verdict), Is.All.EqualTo(Verdict.Pass), string.Join("\n", findings.Select(f => $"{f.Id} {f.Verdict} {f.Reason}")));
        Assert.That(Find(id, "imei.slots-distinct").Verdict, Is.EqualTo(Verdict.None));
    }

    [Test]
    public void PathsDisagree_ConsistencyFailsAndNamesBothValues()
    {
        var id = Identity(["490154203237518"], null, Imei("AT+CGSN", "490154203237518"), Imei("AT+GSN", "861700031234563"));
        var f = Find(id, "imei.consistency");
        Assert.That(f.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(f.Reason, Does.Contain("490154203237518").And.Contain("861700031234563"));
    }

    [Test]
    public void OnePath_ConsistencyIsInconclusive() =>
        Assert.That(Find(Identity(["490154203237518"], null, Imei("AT+GSN", "490154203237518")), "imei.consistency").Verdict, Is.EqualTo(Verdict.Inconc));

    [Test]
    public void NoisyAndUnsupportedPaths_DoNotCountAsDisagreement()
    {
        var id = Identity(["490154203237518"], null,
            Imei("AT+CGSN", null),
            new Reading(IdentityField.Imei, 1, "AT+CGSN=1", ReadingStatus.Noisy, null, "49015\\x8f"),
            Imei("AT+GSN", "490154203237518"),
            Imei("AT+EGMR=0,7", "490154203237518"));
        Assert.That(Find(id, "imei.consistency").Verdict, Is.EqualTo(Verdict.Pass));
    }

    [Test]
    public void DuplicateSlots_Fail()
    {
        var id = Identity(["123456789012345", "123456789012345"], null, Imei("AT+EGMR=0,7", "123456789012345"), Imei("AT+EGMR=0,10", "123456789012345", 2));
        var f = Find(id, "imei.slots-distinct");
        Assert.That(f.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(f.Reason, Does.Contain("slots 1 and 2"));
    }

    [Test]
    public void DistinctSlots_Pass() =>
        Assert.That(Find(Identity(["866734045571202", "866734045571210"], null), "imei.slots-distinct").Verdict, Is.EqualTo(Verdict.Pass));

    [Test]
    public void WorstSlotDecides()
    {
        var f = Find(Identity(["866734045571202", "866734045571211"], null), "imei.luhn");
        Assert.That(f.Verdict, Is.EqualTo(Verdict.Fail));
        Assert.That(f.Reason, Does.StartWith("slot 2"));
    }

    [Test]
    public void NoImei_EveryImeiCheckIsInconclusiveNeverPass()
    {
        var findings = IdentifierChecks.Evaluate(Identity([], null, Imei("AT+CGSN", null)));
        Assert.That(findings.Where(f => f.Id.StartsWith("imei.", StringComparison.Ordinal) && f.Id != "imei.slots-distinct").Select(f => f.Verdict), Is.All.EqualTo(Verdict.Inconc));
    }

    private static Reading ImeiSv(string path, string value, bool derived = false) =>
        new(IdentityField.ImeiSv, 1, path, ReadingStatus.Value, value, value + "\nOK", Derived: derived);

    [TestCase("4901542032375101", Verdict.Pass)]
    [TestCase("8617000312345601", Verdict.Fail)]
    public void ImeiSvConsistency_AWholeImeiSvFromTheDevice_IsCompared(string imeisv, Verdict expected)
    {
        var finding = Find(Identity(["490154203237518"], imeisv, ImeiSv("AT+CGSN=2", imeisv)), "imeisv.consistency");
        Assert.That(finding.Verdict, Is.EqualTo(expected));
        Assert.That(finding.Informative, Is.False);
    }

    // An SVN that the lab appended to the IMEI (AT+CGSN=3, an ATI 'IMEI SV' line, ADB's getDeviceSvn)
    // makes an IMEISV that always carries the IMEI: comparing them would be comparing the IMEI with itself.
    [TestCase("AT+CGSN=3", "4901542032375101", true)]
    [TestCase("ATI", "4901542032375112", true)]
    [TestCase("service call iphonesubinfo 4", "01", false)]
    public void ImeiSvConsistency_BuiltFromTheImei_IsNeverPass(string path, string reading, bool derived)
    {
        var imeisv = "49015420323751" + reading[^2..];
        var finding = Find(Identity(["490154203237518"], imeisv, ImeiSv(path, reading, derived)), "imeisv.consistency");
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(finding.Informative, Is.True);
        Assert.That(finding.Reason, Does.Contain("built from the IMEI"));
    }

    [Test]
    public void NoImeiSv_InconclusiveAndInformative()
    {
        var finding = Find(Identity(["490154203237518"], null), "imeisv.svn");
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(finding.Informative, Is.True, "TS 27.007 makes the IMEISV optional over AT");
    }

    [Test]
    public void SinglePathCrossChecks_AreInformative_AndDisagreementStillFails()
    {
        var single = Identity(["490154203237518"], null, Imei("AT+CGSN", "490154203237518"),
            new Reading(IdentityField.Manufacturer, 1, "AT+CGMI", ReadingStatus.Value, "Quectel", "Quectel\nOK"));
        Assert.That(Find(single, "imei.consistency").Informative, Is.True);
        Assert.That(Find(single, "manufacturer.consistency").Informative, Is.True);
        Assert.That(Conformity.Decide(IdentifierChecks.Evaluate(single)).Statement, Is.Not.EqualTo(ConformityStatement.DoesNotConform));
        var two = Identity(["490154203237518"], null, Imei("AT+CGSN", "490154203237518"), Imei("AT+GSN", "490154203237526"));
        var finding = Find(two, "imei.consistency");
        Assert.That((finding.Verdict, finding.Informative), Is.EqualTo((Verdict.Fail, false)));
    }

    // Names two paths of a genuine device give for the same thing (ModemManager, GSMA TAC records, vendors' manuals).
    [TestCase("SIMCOM INCORPORATED", "SIMCom Wireless Solutions Limited")]
    [TestCase("Quectel", "Quectel Wireless Solutions Co., Ltd.")]
    [TestCase("Quectel_Ltd", "QUECTEL")]
    [TestCase("SIMCOM_SIM7600E-H", "SIM7600E-H")]
    [TestCase("Pixel_8", "Pixel 8")]
    [TestCase("u-blox", "u-blox AG")]
    [TestCase("huawei", "Huawei Technologies Co., Ltd.")]
    [TestCase("Telit", "Telit Communications S.p.A.")]
    [TestCase("Sierra Wireless, Incorporated", "Sierra Wireless Inc")]
    [TestCase("ZTE INCORPORATED", "ZTE Corporation")]
    public void Names_SameAfterNormalisation(string a, string b) => Assert.That(Names.Same(a, b), Is.True);

    [TestCase("SAMSUNG", "MediaTek Inc.")]
    [TestCase("SM-S928B", "MTK6580")]
    [TestCase("Quectel", "SIMCOM INCORPORATED")]
    [TestCase("EC25", "BG96")]
    public void Names_RealContradictions(string a, string b) => Assert.That(Names.Same(a, b), Is.False);

    [Test]
    public void ManufacturerDisagreement_Fails()
    {
        var id = Identity([], null,
            new Reading(IdentityField.Manufacturer, 1, "AT+CGMI", ReadingStatus.Value, "SAMSUNG", "SAMSUNG\nOK"),
            new Reading(IdentityField.Manufacturer, 1, "ATI", ReadingStatus.Value, "MediaTek Inc.", "Manufacturer: MediaTek Inc.\nOK"));
        Assert.That(Find(id, "manufacturer.consistency").Verdict, Is.EqualTo(Verdict.Fail));
    }

    [Test]
    public void ManufacturerSpellings_Agree()
    {
        var id = Identity([], null,
            new Reading(IdentityField.Manufacturer, 1, "AT+CGMI", ReadingStatus.Value, "Quectel", "Quectel\nOK"),
            new Reading(IdentityField.Manufacturer, 1, "ATI", ReadingStatus.Value, "QUECTEL_LTD", "QUECTEL_LTD\nOK"));
        Assert.That(Find(id, "manufacturer.consistency").Verdict, Is.EqualTo(Verdict.Pass));
    }

    [Test]
    public void Evidence_CarriesTheExchanges()
    {
        var f = Find(Identity(["490154203237518"], null, Imei("AT+CGSN", "490154203237518")), "imei.luhn");
        Assert.That(f.Evidence, Has.Some.StartsWith("AT+CGSN -> 490154203237518"));
    }
}
