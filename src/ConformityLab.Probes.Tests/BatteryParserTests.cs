using ConformityLab.Probes.Battery;

namespace ConformityLab.Probes.Tests;

public class BatteryParserTests
{
    private static string Capture(string profile, string file) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "android", profile, file));

    [TestCase("battery_1.txt", 31.2, 4012, 2, 2)]
    [TestCase("battery_5.txt", 46.2, 4096, 3, 2)]
    [TestCase("battery_8.txt", 53.7, 4159, 3, 2)]
    public void Dumpsys_FixtureCaptures(string file, double celsius, int millivolts, int health, int status)
    {
        var s = BatteryParser.ParseDumpsys(Capture("battery-overheat", file));
        Assert.That(s.TemperatureC, Is.EqualTo(celsius).Within(1e-9));
        Assert.That(s.VoltageMv, Is.EqualTo(millivolts), "'Max charging voltage: 5000000' must not be read as the voltage");
        Assert.That(s.Health, Is.EqualTo(health));
        Assert.That(s.Status, Is.EqualTo(status));
        Assert.That(s.Plugged, Is.True);
        Assert.That(s.Charging, Is.True);
    }

    [TestCase("Current Battery Service state:\n  Max charging voltage: 5000000\n  voltage: 3850\n  temperature: 250\n", 25.0, 3850, TestName = "Max charging voltage before voltage")]
    [TestCase("  temperature: -45\n  voltage: 3700\n", -4.5, 3700, TestName = "a temperature below zero")]
    [TestCase("  voltage: 4\n  temperature: 300\n", 30.0, 4000, TestName = "volts instead of mV (old builds)")]
    [TestCase("  Max charging voltage: 5000000\n  level: 50\n", null, null, TestName = "no voltage and no temperature at all")]
    public void Dumpsys_Table(string text, double? celsius, int? millivolts)
    {
        var s = BatteryParser.ParseDumpsys(text);
        Assert.That(s.TemperatureC, Is.EqualTo(celsius));
        Assert.That(s.VoltageMv, Is.EqualTo(millivolts));
    }

    [Test]
    public void Dumpsys_NotCharging_WhenUnplugged()
    {
        var s = BatteryParser.ParseDumpsys("  AC powered: false\n  USB powered: false\n  status: 3\n  temperature: 470\n");
        Assert.That(s.Plugged, Is.False);
        Assert.That(s.Charging, Is.False);
    }

    [Test]
    public void Uevent_UnitsAndHealth()
    {
        var s = BatteryParser.ParseUevent("POWER_SUPPLY_NAME=battery\nPOWER_SUPPLY_STATUS=Charging\nPOWER_SUPPLY_HEALTH=Overheat\nPOWER_SUPPLY_VOLTAGE_NOW=4096000\nPOWER_SUPPLY_VOLTAGE_MAX=4450000\nPOWER_SUPPLY_TEMP=462\nPOWER_SUPPLY_CAPACITY=64\n");
        Assert.That(s.TemperatureC, Is.EqualTo(46.2).Within(1e-9));
        Assert.That(s.VoltageMv, Is.EqualTo(4096));
        Assert.That(s.Health, Is.EqualTo(BatterySample.HealthOverheat));
        Assert.That(s.Charging, Is.True);
        Assert.That(s.Level, Is.EqualTo(64));
    }
}
