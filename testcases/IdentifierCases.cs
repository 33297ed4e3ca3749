namespace ConformityLab.TestCases;

/// <summary>3GPP TS 23.003 §6.2 and GSMA TS.06: the IMEI and IMEISV themselves.</summary>
[Topic("identifiers")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class IdentifierCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("IDN-001", "IMEI is 15 decimal digits", "imei.format",
        Method = "Read every slot's IMEI through every path; check its form.", Pass = "Every IMEI is 15 decimal digits.",
        Clause = "3GPP TS 23.003 §6.2.1", References = "GSMA TS.06", Severity = "blocker")]
    public Task Format() => VerifyAsync();

    [Test]
    [Case("IDN-002", "IMEI check digit is correct", "imei.luhn",
        Method = "Compute the Luhn digit over the first 14 digits of each IMEI.", Pass = "The 15th digit is the Luhn digit.",
        Clause = "3GPP TS 23.003 §6.2.1, Annex B", References = "GSMA TS.06", Severity = "blocker")]
    public Task CheckDigit() => VerifyAsync();

    [Test]
    [Case("IDN-003", "IMEI is not a placeholder", "imei.placeholder",
        Method = "Compare each IMEI with known placeholders (all zeros, 123456789012345, vendor defaults) and degenerate patterns.",
        Pass = "No IMEI is a placeholder.", Clause = "ITU-T Q.5050 (reliable unique identifier); 3GPP TS 22.016", References = "GSMA IMEI security principles", Severity = "blocker")]
    public Task NotPlaceholder() => VerifyAsync();

    [Test]
    [Case("IDN-004", "IMEI does not carry a test TAC", "imei.test-tac",
        Method = "Check each TAC against the test ranges (00 then 1001–1017, 44, 86, 91).", Pass = "No TAC is a test TAC.",
        Clause = "3GPP TS 23.003 §6.2.1", References = "GSMA TS.06 (reporting body 00)", Severity = "critical", Plans = "certification,customs")]
    public Task NotTestTac() => VerifyAsync();

    [Test]
    [Case("IDN-005", "Every path gives the same IMEI", "imei.consistency",
        Method = "Read each slot's IMEI through every path (+CGSN, +CGSN=1, +GSN, ATI, vendor read forms; service call, dumpsys, *#06#).",
        Pass = "All paths of a slot agree (inconc when only one path answers).", Clause = "ITU-T Q.5050 (reliable unique identifier)", References = "3GPP TS 22.016", Severity = "critical")]
    public Task SameOnEveryPath() => VerifyAsync();

    [Test]
    [Case("IDN-006", "Every slot has its own IMEI", "imei.slots-distinct",
        Method = "Compare the IMEIs of the slots.", Pass = "No two slots share an IMEI (none on single-slot devices).",
        Clause = "3GPP TS 23.003 §6.2.1; ITU-T Q.5052", References = "GSMA TS.06", Severity = "critical")]
    public Task SlotsDistinct() => VerifyAsync();

    [Test]
    [Case("IDN-007", "IMEISV carries the IMEI", "imeisv.consistency",
        Method = "Read the IMEISV (+CGSN=2, or +CGSN=3 / SVN with the IMEI) and compare its first 14 digits.", Pass = "TAC and SNR of IMEISV and IMEI are equal.",
        Clause = "3GPP TS 23.003 §6.2.2", References = "3GPP TS 27.007 §5.4", Severity = "normal", Plans = "certification,pretest")]
    public Task ImeiSvCarriesImei() => VerifyAsync();

    [Test]
    [Case("IDN-008", "SVN is valid", "imeisv.svn",
        Method = "Check the IMEISV's form and its SVN.", Pass = "16 digits; SVN is not the reserved 99.",
        Clause = "3GPP TS 23.003 §6.2.2", References = "", Severity = "minor", Plans = "certification,pretest")]
    public Task Svn() => VerifyAsync();
}
