namespace ConformityLab.TestCases;

/// <summary>ITU-T Q.5050 and Q.5051: the device against the reference database (the GSMA TAC allocation).</summary>
[Topic("reference")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class ReferenceCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("TAC-001", "TAC is allocated", "imei.tac-known",
        Method = "Look up each IMEI's TAC in the configured GSMA TAC database (TacDb).", Pass = "Every TAC is allocated (inconc without a TAC database).",
        Clause = "ITU-T Q.5050; 3GPP TS 23.003 §6.2.1", References = "GSMA TS.06", Severity = "critical", Plans = "certification,customs")]
    public Task TacKnown() => VerifyAsync();

    [Test]
    [Case("TAC-002", "TAC record matches the device", "imei.tac-matches-device",
        Method = "Compare the TAC record's manufacturer, model and bands with what the device reports.", Pass = "They match (inconc without a TAC database).",
        Clause = "ITU-T Q.5050; ITU-T Q.5051", References = "GSMA TS.06", Severity = "critical", Plans = "certification,customs")]
    public Task TacMatches() => VerifyAsync();
}
