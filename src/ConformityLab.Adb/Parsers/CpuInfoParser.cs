namespace ConformityLab.Adb.Parsers;

/// <summary>What <c>/proc/cpuinfo</c> says about the chip.</summary>
/// <param name="Processors">How many <c>processor</c> entries.</param>
/// <param name="Hardware">The <c>Hardware</c> line (32-bit kernels and many vendor kernels), or null.</param>
/// <param name="ModelName">The first <c>model name</c> / <c>Processor</c> line, or null.</param>
/// <param name="Implementers">The distinct <c>CPU implementer</c> values (0x41 Arm, 0x51 Qualcomm).</param>
/// <param name="Parts">The distinct <c>CPU part</c> values (0xc07 Cortex-A7, 0xd46 Cortex-A510...).</param>
/// <param name="Architectures">The distinct <c>CPU architecture</c> values.</param>
public sealed record CpuInfo(
    int Processors,
    string? Hardware,
    string? ModelName,
    IReadOnlyList<string> Implementers,
    IReadOnlyList<string> Parts,
    IReadOnlyList<string> Architectures);

/// <summary>Parses <c>/proc/cpuinfo</c> (<c>key\t: value</c> lines, one block per processor).</summary>
public static class CpuInfoParser
{
    /// <summary>Parses the dump.</summary>
    public static CpuInfo Parse(string cpuinfo)
    {
        var processors = 0;
        string? hardware = null;
        string? model = null;
        var implementers = new List<string>();
        var parts = new List<string>();
        var architectures = new List<string>();
        foreach (var raw in cpuinfo.Split('\n'))
        {
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                continue;
            }

            var key = raw[..colon].Trim();
            var value = raw[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor": processors++; break;
                case "Hardware": hardware ??= value; break;
                case "model name" or "Processor": model ??= value; break;
                case "CPU implementer": AddDistinct(implementers, value); break;
                case "CPU part": AddDistinct(parts, value); break;
                case "CPU architecture": AddDistinct(architectures, value); break;
                default: break;
            }
        }

        return new CpuInfo(processors, hardware, model, implementers, parts, architectures);
    }

    private static void AddDistinct(List<string> list, string value)
    {
        if (!list.Contains(value, StringComparer.OrdinalIgnoreCase))
        {
            list.Add(value);
        }
    }
}
