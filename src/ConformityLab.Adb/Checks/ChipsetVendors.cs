using ConformityLab.Adb.Parsers;

namespace ConformityLab.Adb.Checks;

/// <summary>
/// Which chipset vendor a platform name, a <c>/proc/cpuinfo</c> or a baseband version points to.
/// Pure string rules: MediaTek platforms are <c>mtNNNN</c> and its modem firmware is
/// <c>MOLY.*</c>; Qualcomm modem firmware is <c>MPSS.*</c> and its platforms carry code names;
/// Samsung's Shannon modems (also in Google Tensor phones) report <c>g5xxx</c>.
/// </summary>
public static class ChipsetVendors
{
    private static readonly string[] QualcommPlatforms =
    [
        "msm", "sdm", "sm", "qcom", "apq", "kalama", "taro", "lahaina", "kona", "lito", "bengal", "holi", "atoll", "trinket",
        "khaje", "pineapple", "sun", "parrot", "crow", "blair", "monaco", "msmnile", "sdmshrike", "yupik", "cape", "ukee",
    ];

    /// <summary>The vendor of a <c>ro.board.platform</c> value, or null when unknown.</summary>
    public static string? FromPlatform(string platform)
    {
        var p = platform.Trim().ToLowerInvariant();
        if (p.Length == 0)
        {
            return null;
        }

        if (p.StartsWith("mt", StringComparison.Ordinal) && p.Length > 2 && char.IsAsciiDigit(p[2]))
        {
            return "MediaTek";
        }

        if (p.StartsWith("exynos", StringComparison.Ordinal) || p.StartsWith("s5e", StringComparison.Ordinal) || p.StartsWith("universal", StringComparison.Ordinal))
        {
            return "Samsung";
        }

        if (p is "zuma" or "zumapro" or "gs101" or "gs201" or "laguna")
        {
            return "Google";
        }

        if (p.StartsWith("ums", StringComparison.Ordinal) || p.StartsWith("sc98", StringComparison.Ordinal) || p.StartsWith("sp98", StringComparison.Ordinal) || p.StartsWith("t6", StringComparison.Ordinal))
        {
            return "Unisoc";
        }

        if (p.StartsWith("kirin", StringComparison.Ordinal) || p.StartsWith("hi3", StringComparison.Ordinal))
        {
            return "HiSilicon";
        }

        return QualcommPlatforms.Any(q => p == q || (p.StartsWith(q, StringComparison.Ordinal) && p.Length > q.Length && char.IsAsciiDigit(p[q.Length])))
            ? "Qualcomm"
            : null;
    }

    /// <summary>The vendor <c>/proc/cpuinfo</c> points to (its Hardware line, or Qualcomm's implementer 0x51), or null.</summary>
    public static string? FromCpuInfo(CpuInfo cpu)
    {
        var hardware = cpu.Hardware?.ToLowerInvariant() ?? string.Empty;
        if (hardware.Contains("qualcomm", StringComparison.Ordinal) || hardware.Contains("msm", StringComparison.Ordinal))
        {
            return "Qualcomm";
        }

        if (hardware.StartsWith("mt", StringComparison.Ordinal) || hardware.Contains("mediatek", StringComparison.Ordinal))
        {
            return "MediaTek";
        }

        if (hardware.Contains("exynos", StringComparison.Ordinal) || hardware.Contains("samsung", StringComparison.Ordinal))
        {
            return "Samsung";
        }

        if (hardware.Contains("unisoc", StringComparison.Ordinal) || hardware.Contains("spreadtrum", StringComparison.Ordinal))
        {
            return "Unisoc";
        }

        if (hardware.Length > 0)
        {
            return FromPlatform(hardware);
        }

        return cpu.Implementers.Contains("0x51", StringComparer.OrdinalIgnoreCase) ? "Qualcomm" : null;
    }

    /// <summary>The vendor of a <c>gsm.version.baseband</c> value, or null when it does not say.</summary>
    public static string? FromBaseband(string baseband)
    {
        var b = baseband.Trim();
        if (b.StartsWith("MOLY.", StringComparison.OrdinalIgnoreCase))
        {
            return "MediaTek";
        }

        if (b.StartsWith("MPSS.", StringComparison.OrdinalIgnoreCase))
        {
            return "Qualcomm";
        }

        if (b.Length > 5 && b[0] == 'g' && char.IsAsciiDigit(b[1]) && b.Contains('-', StringComparison.Ordinal))
        {
            return "Samsung"; // Shannon modem firmware, g5300i-... (Google Tensor phones too)
        }

        if (b.StartsWith("FM_BASE_", StringComparison.OrdinalIgnoreCase) || b.StartsWith("4G_MODEM", StringComparison.OrdinalIgnoreCase))
        {
            return "Unisoc";
        }

        return null;
    }

    /// <summary>Whether two vendors can sit in one genuine phone (Google Tensor uses Samsung modems).</summary>
    public static bool Compatible(string a, string b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
        || (a is "Google" && b is "Samsung") || (a is "Samsung" && b is "Google");
}
