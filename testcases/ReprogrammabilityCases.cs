namespace ConformityLab.TestCases;

/// <summary>3GPP TS 22.016: the IMEI shall not be changed after final production and shall resist tampering.</summary>
[Topic("reprogrammability")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class ReprogrammabilityCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("REP-001", "No IMEI-write command is exposed", "id.write-command",
        Method = "Send only the test (=?) and read forms of the vendors' IMEI-write commands (+EGMR, +SIMEI, ^CIMEI, ...) and see which the device accepts; the write forms are never sent.",
        Pass = "The device refuses every test form of an IMEI-write command.", Clause = "3GPP TS 22.016; GSMA IMEI security principles", References = "ITU-T Q.5050", Severity = "blocker")]
    public Task NoWriteCommand() => VerifyAsync();

    [Test]
    [Case("REP-002", "IMEI is stable across a reset", "id.stable-across-reset",
        Method = "Read the IMEI, reset the modem (AT+CFUN=1,1) or reboot the handset, read it again. Intrusive: runs only when AllowIntrusive is set.",
        Pass = "The same IMEI before and after (none when intrusive probes were not allowed).", Clause = "3GPP TS 22.016", References = "GSMA IMEI security principles", Severity = "critical", Plans = "certification")]
    public Task StableAcrossReset() => VerifyAsync();

    [Test]
    [Case("REP-003", "No hidden diag or engineering interface", "id.diag-interface",
        Method = "Read sys.usb.config and the installed packages for diag ports and engineering-mode apps.", Pass = "None exposed.",
        Clause = "ITU-T Q.5050; GSMA IMEI security principles", References = "", Severity = "critical", Plans = "certification,customs")]
    public Task NoDiagInterface() => VerifyAsync();
}
