using ConformityLab.Adb;
using ConformityLab.Transport;

namespace ConformityLab.Harness;

/// <summary>A device under test as the operator names it: a serial port (AT) or an ADB serial.</summary>
public abstract record DeviceTarget
{
    /// <summary>The target in its canonical text form.</summary>
    public abstract string Text { get; }

    /// <summary>
    /// Parses <c>serial:&lt;path&gt;[?...]</c>, a bare <c>/dev/...</c> path, or
    /// <c>adb:&lt;serial&gt;[?server=host:port]</c>; or says in one line what is wrong.
    /// </summary>
    public static bool TryParse(string text, out DeviceTarget? target, out string? error)
    {
        target = null;
        if (text.StartsWith(AdbTarget.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            if (AdbTarget.TryParse(text, out var adb))
            {
                target = new AdbDeviceTarget(adb);
                error = null;
                return true;
            }

            error = $"'{text}' is not a valid ADB target; expected adb:<serial>[?server=host:port]";
            return false;
        }

        if (text.StartsWith("serial:", StringComparison.Ordinal) || text.StartsWith('/'))
        {
            if (SerialTarget.TryParse(text, out var serial, out error))
            {
                target = new SerialDeviceTarget(serial!);
                return true;
            }

            return false;
        }

        error = $"'{text}' is not a target; expected serial:<device path>[?baud=115200&databits=8&parity=none&stopbits=1], a /dev path, or adb:<serial>[?server=host:port]";
        return false;
    }

    /// <summary>Makes names unique in order, as output files need them: ttyUSB2, ttyUSB2-2, ...</summary>
    public static IReadOnlyList<string> UniqueNames(IEnumerable<string> names)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        return names.Select(name =>
        {
            seen[name] = seen.GetValueOrDefault(name) + 1;
            return seen[name] == 1 ? name : $"{name}-{seen[name]}";
        }).ToList();
    }

}

/// <summary>A modem or handset modem port on a serial line, driven with AT commands.</summary>
/// <param name="Serial">The serial target.</param>
public sealed record SerialDeviceTarget(SerialTarget Serial) : DeviceTarget
{
    /// <inheritdoc />
    public override string Text => Serial.ToString();
}

/// <summary>An Android device behind an adb server.</summary>
/// <param name="Adb">The ADB target.</param>
public sealed record AdbDeviceTarget(AdbTarget Adb) : DeviceTarget
{
    /// <inheritdoc />
    public override string Text => Adb.ToString();
}
