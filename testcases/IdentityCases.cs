namespace ConformityLab.TestCases;

/// <summary>ITU-T Q.5050 (a reliable, unique identity): what the device says it is, through every path it offers.</summary>
[Topic("identity")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class IdentityCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("IDY-001", "Manufacturer is the same on every path", "manufacturer.consistency",
        Method = "Read the manufacturer through +CGMI, +GMI and ATI (AT) or the system, vendor and odm properties (ADB), and compare.",
        Pass = "Every path that answers names the same manufacturer.",
        Clause = "ITU-T Q.5050 (reliable unique identifier); 3GPP TS 27.007 §5.1", References = "ITU-T V.250 §6.1.4", Severity = "critical")]
    public Task Manufacturer() => VerifyAsync();

    [Test]
    [Case("IDY-002", "Model is the same on every path", "model.consistency",
        Method = "Read the model through +CGMM, +GMM and ATI (AT) or the model properties of every partition (ADB), and compare.",
        Pass = "Every path that answers names the same model.",
        Clause = "ITU-T Q.5050 (reliable unique identifier); 3GPP TS 27.007 §5.2", References = "ITU-T V.250 §6.1.5", Severity = "critical")]
    public Task Model() => VerifyAsync();

    [Test]
    [Case("IDY-003", "Firmware revision is the same on every path", "revision.consistency",
        Method = "Read the revision through +CGMR and +GMR (AT) or the baseband property (ADB), and compare.",
        Pass = "Every path that answers gives the same revision.",
        Clause = "ITU-T Q.5050 (reliable unique identifier); 3GPP TS 27.007 §5.3", References = "ITU-T V.250 §6.1.6", Severity = "normal",
        Plans = "certification,pretest")]
    public Task Revision() => VerifyAsync();
}
