using System.Text;

namespace ConformityLab.Harness;

/// <summary>
/// Names devices in file names and tables as a person would: the model and the last digits of
/// its IMEI, such as <c>EC25-4563</c> or <c>Pixel_8-3500</c>, made unique in a lot.
/// Every string a device gives is untrusted, so a name keeps only <c>[A-Za-z0-9._-]</c>, never
/// starts with a dot, and is at most <see cref="MaxLength"/> characters: a device that reports
/// <c>../../x</c> as its model cannot write outside the run folder. Never an address and port.
/// </summary>
public static class DeviceNames
{
    /// <summary>The longest name.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// The name of an identified device: its model and the last four digits of its first IMEI
    /// (the model alone when it gave no IMEI), or <paramref name="fallback"/> when it gave no model.
    /// </summary>
    public static string For(DeviceIdentity? identity, string fallback)
    {
        var model = identity?.Model is { } m ? Safe(m, string.Empty) : string.Empty;
        if (model.Length == 0)
        {
            return Safe(fallback, "device");
        }

        var digits = identity!.Imeis.Select(i => new string(i.Where(char.IsAsciiDigit).ToArray())).FirstOrDefault(d => d.Length >= 4);
        var tail = digits is null ? string.Empty : "-" + digits[^4..];
        return Safe(Clip(model, MaxLength - tail.Length) + tail, "device");
    }

    /// <summary>
    /// A provisional name from the target alone, before the device has said anything: the
    /// device node (<c>ttyUSB2</c>), the simulator profile (<c>sim-quectel-ec25</c>), the ADB
    /// serial, or <c>adb-device</c> for a TCP-attached serial, which is only an address and port.
    /// </summary>
    public static string ForTarget(DeviceTarget target) => target switch
    {
        SerialDeviceTarget s => Safe(Path.GetFileName(s.Serial.Path), "serial-device"),
        AdbDeviceTarget a when LooksLikeAddress(a.Adb.Serial) => "adb-device",
        AdbDeviceTarget a => Safe(a.Adb.Serial, "adb-device"),
        _ => "device",
    };

    /// <summary>Makes <paramref name="text"/> safe as a file name: every run of other characters becomes one '_', no leading dots, at most <see cref="MaxLength"/> characters.</summary>
    public static string Safe(string text, string fallback)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxLength * 2));
        foreach (var c in text)
        {
            if (char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')
            {
                sb.Append(c);
            }
            else if (sb.Length > 0 && sb[^1] != '_')
            {
                sb.Append('_');
            }

            if (sb.Length >= MaxLength * 2)
            {
                break;
            }
        }

        var safe = sb.ToString().TrimStart('.', '_').TrimEnd('_');
        safe = Clip(safe, MaxLength).TrimEnd('_');
        return safe.Length == 0 || safe is "." or ".." ? fallback : safe;
    }

    private static string Clip(string text, int length) => text.Length <= length ? text : text[..Math.Max(1, length)];

    private static bool LooksLikeAddress(string serial)
    {
        var colon = serial.LastIndexOf(':');
        return colon > 0 && int.TryParse(serial[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _);
    }
}
