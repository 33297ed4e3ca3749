namespace ConformityLab.TestCases;

/// <summary>Fake specifications (ITU-T Q.5050 (tampered and fake-specification devices)): what the hardware is, against what the device claims to be.</summary>
[Topic("specification")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class SpecificationCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("SPC-001", "Chipset matches the claimed model", "spec.chipset",
        Method = "Compare the claimed brand and model with ro.board.platform, /proc/cpuinfo and the baseband vendor.", Pass = "Every source names the model's chipset vendor.",
        Clause = "ITU-T Q.5050 (tampered and fake-specification devices)", References = "DOMAIN markers: fake specifications", Severity = "critical", Plans = "certification,customs")]
    public Task Chipset() => VerifyAsync();

    [Test]
    [Case("SPC-002", "RAM matches the claimed model", "spec.ram",
        Method = "Compare /proc/meminfo MemTotal with Sample:Declared:RamGb and the model's RAM.", Pass = "Consistent with the declared and catalogued RAM.",
        Clause = "ITU-T Q.5050 (tampered and fake-specification devices)", References = "", Severity = "normal", Plans = "certification,customs")]
    public Task Ram() => VerifyAsync();

    [Test]
    [Case("SPC-003", "Storage matches the declared specification", "spec.storage",
        Method = "Compare the data partition's size with Sample:Declared:StorageGb.", Pass = "Consistent with the declared size (inconc when none is declared).",
        Clause = "ITU-T Q.5050 (tampered and fake-specification devices)", References = "", Severity = "normal", Plans = "certification,customs")]
    public Task Storage() => VerifyAsync();
}
