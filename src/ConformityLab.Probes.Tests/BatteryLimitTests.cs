using ConformityLab.Probes.Battery;
using ConformityLab.Probes.Checks;

namespace ConformityLab.Probes.Tests;

/// <summary>The battery limits at and around each boundary (defaults: 45 °C charging, 60 °C absolute, 3000–4450 mV).</summary>
public class BatteryLimitTests
{
    private static IReadOnlyList<TimedBatterySample> Samples(double temperature, int voltage, bool charging) =>
    [
        new(TimeSpan.Zero, new BatterySample(30, 4000, 2, charging ? 2 : 3, charging, 50), null),
        new(TimeSpan.FromSeconds(2), new BatterySample(temperature, voltage, 2, charging ? 2 : 3, charging, 50), null),
    ];

    [TestCase(59.9, false, Verdict.Pass)]
    [TestCase(60.0, false, Verdict.Pass)]
    [TestCase(60.1, false, Verdict.Fail)]
    [TestCase(44.9, true, Verdict.Pass)]
    [TestCase(45.0, true, Verdict.Pass)]
    [TestCase(45.1, true, Verdict.Fail)]
    [TestCase(50.0, false, Verdict.Pass)]
    public void Thermal_AtAndAroundEachLimit(double temperature, bool charging, Verdict expected) =>
        Assert.That(ProbeChecks.BatteryThermal(Samples(temperature, 4000, charging), new BatteryThresholds(), []).Verdict, Is.EqualTo(expected));

    [TestCase(2999, Verdict.Fail)]
    [TestCase(3000, Verdict.Pass)]
    [TestCase(3001, Verdict.Pass)]
    [TestCase(4449, Verdict.Pass)]
    [TestCase(4450, Verdict.Pass)]
    [TestCase(4451, Verdict.Fail)]
    public void Voltage_AtAndAroundEachLimit(int voltage, Verdict expected) =>
        Assert.That(ProbeChecks.BatteryVoltage(Samples(30, voltage, false), new BatteryThresholds(), []).Verdict, Is.EqualTo(expected));
}
