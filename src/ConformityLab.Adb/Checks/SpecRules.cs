using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace ConformityLab.Adb.Checks;

/// <summary>One fired rule: which rule file and entry, and why.</summary>
/// <param name="Rule">The rule's name, as the finding states it (<c>socs.json: mt6580</c>).</param>
/// <param name="Reason">What contradicts what.</param>
public sealed record RuleFinding(string Rule, string Reason);

/// <summary>
/// Fake-specification rules that hold for devices nobody here has seen, because they follow from
/// the standards and the physics rather than from a list of models. Each rule is a data file
/// under <c>Reference/Rules/</c> with its sources (see its README):
/// <list type="bullet">
/// <item><c>android-releases.json</c>: the Android release and its API level (AOSP), and the
/// Android CDD §7.6.1 minimum memory of each release;</item>
/// <item><c>socs.json</c>: each SoC's vendor, launch year, the newest Android release its
/// vendor or any OEM shipped for it, and the most RAM it takes;</item>
/// <item><c>model-series.json</c>: the SoC vendors a brand's model series is built on.</item>
/// </list>
/// A rule fires only on a contradiction; where its data is missing or marked not final it stays
/// silent, so a genuine device is never accused by a gap in the tables. Pure once loaded.
/// </summary>
public sealed class SpecRules
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, NumberHandling = JsonNumberHandling.AllowReadingFromString };

    private SpecRules(IReadOnlyList<Release> releases, IReadOnlyList<Soc> socs, IReadOnlyList<Series> series)
    {
        Releases = releases;
        Socs = socs;
        SeriesRules = series;
    }

    /// <summary>The rules built into the lab.</summary>
    public static SpecRules BuiltIn { get; } = new(
        Load<ReleaseFile>("android-releases.json").Releases,
        Load<SocFile>("socs.json").Socs,
        Load<SeriesFile>("model-series.json").Series.Select(s => s with { Regex = new Regex(s.Pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)) }).ToList());

    /// <summary>The Android releases.</summary>
    public IReadOnlyList<Release> Releases { get; }

    /// <summary>The SoCs.</summary>
    public IReadOnlyList<Soc> Socs { get; }

    /// <summary>The model series.</summary>
    public IReadOnlyList<Series> SeriesRules { get; }

    /// <summary>The release a <c>ro.build.version.release</c> value names, or null.</summary>
    public Release? FindRelease(string release)
    {
        var r = release.Trim();
        return Releases.FirstOrDefault(x => x.Name == r || (x.Aliases ?? []).Contains(r));
    }

    /// <summary>The SoC one of the ids names (platform, hardware, soc model, cpuinfo Hardware), or null.</summary>
    public Soc? FindSoc(IEnumerable<string> ids)
    {
        foreach (var id in ids.Select(i => i.Trim().ToLowerInvariant()).Where(i => i.Length > 0))
        {
            if (Socs.FirstOrDefault(s => s.Ids.Contains(id)) is { } soc)
            {
                return soc;
            }
        }

        return null;
    }

    /// <summary><c>ro.build.version.release</c> against <c>ro.build.version.sdk</c>: a release has exactly the API level AOSP gave it (12L shares "12" with 12, API 32).</summary>
    public RuleFinding? ReleaseAgainstSdk(string release, string sdk)
    {
        if (!int.TryParse(sdk.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var level) || FindRelease(release) is not { } named)
        {
            return null;
        }

        var levels = Releases.Where(r => r.Name == named.Name || (r.Aliases ?? []).Contains(release.Trim())).Select(r => r.Sdk).ToHashSet();
        if (levels.Contains(level))
        {
            return null;
        }

        var other = Releases.FirstOrDefault(r => r.Sdk == level);
        return new RuleFinding($"android-releases.json: {named.Name}",
            $"ro.build.version.release says Android {release.Trim()} (API {string.Join("/", levels.Order())}), but ro.build.version.sdk is {level}" + (other is null ? string.Empty : $", which is Android {other.Name}"));
    }

    /// <summary>The claimed release against the newest one the SoC's vendor or any OEM shipped for it (only where that figure is final).</summary>
    public RuleFinding? ReleaseAgainstSoc(Soc soc, string release)
    {
        if (soc.MaxAndroidRelease is not { } max || !soc.MaxAndroidFinal || Major(release) is not { } claimed || Major(max) is not { } newest || claimed <= newest)
        {
            return null;
        }

        return new RuleFinding($"socs.json: {soc.Ids[0]}",
            $"the SoC is {soc.Marketing} ({soc.Vendor}, {soc.LaunchYear}), whose newest Android is {max} ({soc.MaxAndroidBasis}); the device claims Android {release.Trim()}");
    }

    /// <summary>RAM against the most the SoC's memory controller takes (only where the vendor gives a figure).</summary>
    public RuleFinding? RamAgainstSoc(Soc soc, double ramGb, string what)
    {
        var ceiling = soc.MaxRamGb;
        if (ceiling is null || ramGb <= ceiling.Value * 1.05)
        {
            return null;
        }

        return new RuleFinding($"socs.json: {soc.Ids[0]}",
            $"{what} is {ramGb.ToString("0.#", CultureInfo.InvariantCulture)} GB, but {soc.Marketing} takes at most {ceiling.Value.ToString("0.#", CultureInfo.InvariantCulture)} GB");
    }

    /// <summary>MemTotal against the Android CDD §7.6.1 minimum memory of the claimed release (the lowest tier; 64-bit devices have their own).</summary>
    public RuleFinding? RamAgainstCdd(string release, double memTotalMb, bool is64Bit)
    {
        if (FindRelease(release) is not { } r)
        {
            return null;
        }

        var minimum = is64Bit ? r.CddMinRamMb64Bit ?? r.CddMinRamMb : r.CddMinRamMb;

        // MemTotal leaves out what the kernel and firmware reserve; 10% of slack keeps a genuine
        // device at the minimum from failing.
        if (minimum is null || memTotalMb >= minimum.Value * 0.9)
        {
            return null;
        }

        return new RuleFinding($"android-releases.json: {r.Name} (CDD §7.6.1)",
            $"MemTotal is {memTotalMb.ToString("0", CultureInfo.InvariantCulture)} MB, below the {minimum.Value.ToString(CultureInfo.InvariantCulture)} MB the Android {r.Name} CDD requires of any {(is64Bit ? "64-bit" : "32-bit")} handheld");
    }

    /// <summary>The claimed brand and model against the SoC vendors its series is built on.</summary>
    public RuleFinding? SeriesAgainstVendor(string brand, string model, string observedVendor)
    {
        var b = brand.Trim();
        var matching = SeriesRules.Where(s => string.Equals(s.Brand, b, StringComparison.OrdinalIgnoreCase) && s.Regex!.IsMatch(model.Trim())).ToList();
        if (matching.Count == 0)
        {
            return null;
        }

        // Narrow rules are subsets of broad ones: a vendor must be allowed by every rule that matches.
        var allowed = matching.Select(s => s.SocVendors.Select(v => v.ToLowerInvariant()).ToHashSet()).Aggregate((a, c) => { a.IntersectWith(c); return a; });
        if (allowed.Count == 0 || allowed.Contains(observedVendor.ToLowerInvariant()))
        {
            return null;
        }

        var rule = matching[^1];
        return new RuleFinding($"model-series.json: {rule.Brand} {rule.Pattern}",
            $"{brand} {model} is a {rule.Marketing}, built on {string.Join(" or ", allowed)} SoCs, but the device's SoC is {observedVendor}");
    }

    private static int? Major(string release)
    {
        var digits = new string(release.Trim().TakeWhile(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : null;
    }

    private static T Load<T>(string name)
    {
        using var stream = typeof(SpecRules).Assembly.GetManifestResourceStream("reference/rules/" + name)
            ?? throw new InvalidOperationException($"rule file {name} is not built into the assembly");
        return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidDataException($"rule file {name} is empty");
    }

    /// <summary>An Android release.</summary>
    public sealed record Release(
        [property: JsonPropertyName("release")] string Name,
        IReadOnlyList<string>? Aliases,
        int Sdk,
        [property: JsonPropertyName("cdd_min_ram_mb")] int? CddMinRamMb,
        [property: JsonPropertyName("cdd_min_ram_mb_64bit")] int? CddMinRamMb64Bit);

    /// <summary>An SoC.</summary>
    public sealed record Soc(
        string Vendor,
        IReadOnlyList<string> Ids,
        string Marketing,
        int? Bits,
        [property: JsonPropertyName("launch_year")] int? LaunchYear,
        [property: JsonPropertyName("max_android_release")] string? MaxAndroidRelease,
        [property: JsonPropertyName("max_android_final")] bool MaxAndroidFinal,
        [property: JsonPropertyName("max_android_basis")] string? MaxAndroidBasis,
        [property: JsonPropertyName("max_ram_gb")] double? MaxRamGb);

    /// <summary>A model series.</summary>
    public sealed record Series(
        string Brand,
        string Pattern,
        string Marketing,
        [property: JsonPropertyName("soc_vendors")] IReadOnlyList<string> SocVendors)
    {
        /// <summary>The compiled pattern.</summary>
        [JsonIgnore]
        public Regex? Regex { get; init; }
    }

    private sealed record ReleaseFile(IReadOnlyList<Release> Releases);

    private sealed record SocFile(IReadOnlyList<Soc> Socs);

    private sealed record SeriesFile(IReadOnlyList<Series> Series);
}
