using System.Globalization;

namespace ConformityLab.Probes.Battery;

/// <summary>One reading of the battery, in SI-ish units.</summary>
/// <param name="TemperatureC">Battery temperature in °C (dumpsys gives tenths of °C).</param>
/// <param name="VoltageMv">Battery voltage in mV.</param>
/// <param name="Health">BatteryManager health: 1 unknown, 2 good, 3 overheat, 4 dead, 5 over voltage, 6 unspecified failure, 7 cold.</param>
/// <param name="Status">BatteryManager status: 1 unknown, 2 charging, 3 discharging, 4 not charging, 5 full.</param>
/// <param name="Plugged">Whether AC, USB or wireless power is present.</param>
/// <param name="Level">Charge level, when given.</param>
public sealed record BatterySample(double? TemperatureC, int? VoltageMv, int? Health, int? Status, bool? Plugged, int? Level)
{
    /// <summary>BatteryManager.BATTERY_HEALTH_OVERHEAT.</summary>
    public const int HealthOverheat = 3;

    /// <summary>BatteryManager.BATTERY_HEALTH_OVER_VOLTAGE.</summary>
    public const int HealthOverVoltage = 5;

    /// <summary>BatteryManager.BATTERY_STATUS_CHARGING.</summary>
    public const int StatusCharging = 2;

    /// <summary>Whether the battery is charging (status 2), or powered when the status is missing.</summary>
    public bool Charging => Status is { } s ? s == StatusCharging : Plugged == true;
}

/// <summary>
/// Parses <c>dumpsys battery</c> and <c>/sys/class/power_supply/*/uevent</c>. Field names are
/// matched exactly, whole name before the colon ("voltage" also appears inside "Max charging
/// voltage", DOMAIN §5). Pure.
/// </summary>
public static class BatteryParser
{
    /// <summary>Parses <c>dumpsys battery</c> (<c>  temperature: 462</c>: tenths of °C; <c>voltage: 4096</c>: mV).</summary>
    public static BatterySample ParseDumpsys(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            // The first occurrence wins: "Current Battery Service state:" has no value anyway.
            fields.TryAdd(line[..colon].Trim(), line[(colon + 1)..].Trim());
        }

        double? temperature = Int(fields, "temperature") is { } t ? t / 10.0 : null;
        var voltage = Int(fields, "voltage");

        // Some builds print volts (4.096) instead of mV; a value below 100 is read as volts.
        if (voltage is null && fields.TryGetValue("voltage", out var vText) && double.TryParse(vText, NumberStyles.Float, CultureInfo.InvariantCulture, out var volts) && volts < 100)
        {
            voltage = (int)Math.Round(volts * 1000);
        }
        else if (voltage is { } v && v < 100)
        {
            voltage = v * 1000;
        }

        bool? plugged = null;
        foreach (var key in new[] { "AC powered", "USB powered", "Wireless powered", "Dock powered" })
        {
            if (fields.TryGetValue(key, out var p))
            {
                plugged = (plugged ?? false) || p.Equals("true", StringComparison.OrdinalIgnoreCase);
            }
        }

        return new BatterySample(temperature, voltage, Int(fields, "health"), Int(fields, "status"), plugged, Int(fields, "level"));
    }

    /// <summary>
    /// Parses a power_supply <c>uevent</c> (<c>POWER_SUPPLY_TEMP=462</c>: tenths of °C;
    /// <c>POWER_SUPPLY_VOLTAGE_NOW=4096000</c>: µV; <c>POWER_SUPPLY_HEALTH=Overheat</c>).
    /// </summary>
    public static BatterySample ParseUevent(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                fields.TryAdd(line[..eq], line[(eq + 1)..]);
            }
        }

        double? temperature = Int(fields, "POWER_SUPPLY_TEMP") is { } t ? t / 10.0 : null;
        int? voltage = Long(fields, "POWER_SUPPLY_VOLTAGE_NOW") is { } uv ? (int)(uv / 1000) : null;
        int? health = fields.TryGetValue("POWER_SUPPLY_HEALTH", out var h) ? h switch
        {
            "Good" => 2,
            "Overheat" => 3,
            "Dead" => 4,
            "Over voltage" => 5,
            "Unspecified failure" => 6,
            "Cold" => 7,
            _ => 1,
        } : null;
        int? status = fields.TryGetValue("POWER_SUPPLY_STATUS", out var s) ? s switch
        {
            "Charging" => 2,
            "Discharging" => 3,
            "Not charging" => 4,
            "Full" => 5,
            _ => 1,
        } : null;
        return new BatterySample(temperature, voltage, health, status, null, Int(fields, "POWER_SUPPLY_CAPACITY"));
    }

    private static int? Int(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && int.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static long? Long(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var v) && long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
