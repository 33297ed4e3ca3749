namespace ConformityLab.TestCases;

/// <summary>WTSA Resolution 96 and ITU-T Q.5050: hazards counterfeits bring to their users, as far as software can observe them.</summary>
[Topic("hazards")]
[TestFixtureSource(typeof(Duts), nameof(Duts.Configured))]
public sealed class HazardCases(string dut) : DeviceCase(dut)
{
    [Test]
    [Case("HAZ-001", "Battery temperature stays within limits", "battery.thermal",
        Method = "Sample dumpsys battery over the configured window (Battery:SampleSeconds); temperature in tenths of °C.",
        Pass = "Never above Thresholds:Battery:MaxChargingTemperatureC (default 45 °C) while charging, nor health 'overheat'.",
        Clause = "WTSA Res. 96; ITU-T Q.5050", References = "JEITA Li-ion charging guidelines", Severity = "blocker", Plans = "certification")]
    public Task BatteryTemperature() => VerifyAsync();

    [Test]
    [Case("HAZ-002", "Battery cell voltage stays within limits", "battery.voltage",
        Method = "Sample dumpsys battery over the configured window; voltage in mV.", Pass = "Within Thresholds:Battery (default 3000–4450 mV).",
        Clause = "WTSA Res. 96; ITU-T Q.5050", References = "", Severity = "critical", Plans = "certification")]
    public Task BatteryVoltage() => VerifyAsync();

    [Test]
    [Case("HAZ-003", "What software cannot measure is stated", "hazard.not-measurable",
        Method = "Record the declared SAR, RF power and substances; state that they need instruments.", Pass = "Recorded (verdict none: not measured).",
        Clause = "ISO/IEC 17025 §7.8; WTSA Res. 96", References = "", Severity = "minor", Plans = "certification", Informative = true)]
    public Task NotMeasurable() => VerifyAsync();
}
