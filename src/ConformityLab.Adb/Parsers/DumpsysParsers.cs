using System.Text.RegularExpressions;

namespace ConformityLab.Adb.Parsers;

/// <summary>Parses <c>dumpsys iphonesubinfo</c> of older Android (one <c>Device ID = ...</c> per phone).</summary>
public static partial class DumpsysIphonesubinfoParser
{
    /// <summary>The Device ID values in the order of the phones, as printed.</summary>
    public static IReadOnlyList<string> DeviceIds(string dump) =>
        DeviceIdPattern().Matches(dump).Select(m => m.Groups[1].Value.Trim()).ToList();

    [GeneratedRegex(@"^\s*Device ID\s*=\s*(\S*)\s*$", RegexOptions.Multiline)]
    private static partial Regex DeviceIdPattern();
}

/// <summary>Parses <c>/proc/meminfo</c>.</summary>
public static partial class MemInfoParser
{
    /// <summary>MemTotal in kB, when the dump has it.</summary>
    public static bool TryMemTotalKb(string meminfo, out long kilobytes)
    {
        var m = MemTotalPattern().Match(meminfo);
        kilobytes = m.Success ? long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        return m.Success;
    }

    [GeneratedRegex(@"^MemTotal:\s+(\d+)\s*kB", RegexOptions.Multiline)]
    private static partial Regex MemTotalPattern();
}
