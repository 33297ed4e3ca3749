using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ConformityLab.RefDb;

/// <summary>One dimension of a condition: a test of an IMEI, with its parameters, and whether it is inverted.</summary>
/// <param name="Module">Which test (<see cref="ConditionSet.Modules"/>).</param>
/// <param name="Parameters">Its parameters.</param>
/// <param name="Invert">Matches the IMEIs the test does not.</param>
public sealed record Dimension(string Module, IReadOnlyDictionary<string, string> Parameters, bool Invert)
{
    /// <summary>An integer parameter, checked for its range.</summary>
    /// <exception cref="FormatException">It is missing, not an integer or out of range.</exception>
    public int Int(string name, int min, int max, int? fallback = null)
    {
        if (!Parameters.TryGetValue(name, out var text))
        {
            return fallback ?? throw new FormatException($"dimension {Module} needs the parameter {name} ({min} to {max})");
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new FormatException($"dimension {Module}: {name} is '{text}', not an integer from {min} to {max}");
    }

    /// <summary>A list parameter (a YAML sequence or a comma-separated string).</summary>
    public IReadOnlyList<string> List(string name) =>
        Parameters.TryGetValue(name, out var text) ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];

    /// <summary>What it tests, for messages and reasons.</summary>
    public override string ToString() => (Invert ? "not " : string.Empty) + Module + (Parameters.Count == 0 ? string.Empty : "(" + string.Join(", ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}")) + ")");
}

/// <summary>A condition: dimensions that must all match, what the match means, and its safety limit.</summary>
/// <param name="Label">Its name (lower-case letters, digits, '_'), unique in the set.</param>
/// <param name="Reason">The reason the lists give.</param>
/// <param name="Dimensions">All must match.</param>
/// <param name="GracePeriodDays">Days from the first match to the block date (permissive policy).</param>
/// <param name="Blocking">Whether a match leads to a block (else it is only classified).</param>
/// <param name="MaxAllowedMatchingRatio">The largest share of observed IMEIs it may match; past it, the run leaves the condition's previous classification as it was.</param>
public sealed record Condition(string Label, string Reason, IReadOnlyList<Dimension> Dimensions, int GracePeriodDays, bool Blocking, double MaxAllowedMatchingRatio);

/// <summary>A conditions file (YAML, in DIRBS's shape), checked, with its hash.</summary>
/// <param name="Conditions">The conditions.</param>
/// <param name="Sha256">The SHA-256 of the file's bytes, as classification runs log it.</param>
public sealed record ConditionSet(IReadOnlyList<Condition> Conditions, string Sha256)
{
    /// <summary>The dimensions, with their parameters.</summary>
    public static IReadOnlyDictionary<string, string> Modules { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["malformed"] = "the IMEI is not 14 to 16 decimal digits",
        ["gsma_not_found"] = "its TAC is not in the GSMA TAC database",
        ["test_tac"] = "its TAC is a test TAC (001...)",
        ["stolen"] = "it is on the stolen or lost list",
        ["not_registered"] = "it is not on the registration list; exempt_device_types: GSMA device types exempted",
        ["not_certified"] = "no lab record certifies its model (TAC) as conforming",
        ["counterfeit_or_tampered"] = "a lab record found this device not to conform",
        ["duplicate_threshold"] = "at least threshold distinct subscribers (IMSIs) in the period_days up to the run's date",
        ["daily_avg_duplicate"] = "on average at least threshold distinct subscribers a day, over the days it was seen (at least min_seen_days) in period_days",
        ["inconsistent_rat"] = "it attached with a generation its model's GSMA bands cannot do",
    };

    private static readonly IDeserializer Yaml = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build();

    /// <summary>Reads and checks a conditions file.</summary>
    /// <exception cref="FormatException">It is not YAML of this shape, or a condition is wrong; the message names which and why.</exception>
    public static ConditionSet Parse(string yaml, string source)
    {
        File file;
        try
        {
            file = Yaml.Deserialize<File?>(yaml) ?? throw new FormatException($"{source} is empty; it needs 'conditions:'");
        }
        catch (YamlException e)
        {
            throw new FormatException($"{source} is not a conditions file: {e.Message} (line {e.Start.Line})", e);
        }

        if (file.Conditions is not { Count: > 0 })
        {
            throw new FormatException($"{source} has no conditions");
        }

        var conditions = new List<Condition>();
        foreach (var c in file.Conditions)
        {
            var label = c.Label ?? string.Empty;
            if (label.Length is 0 or > 40 || label.Any(ch => !(char.IsAsciiLetterLower(ch) || char.IsAsciiDigit(ch) || ch == '_')))
            {
                throw new FormatException($"{source}: condition label '{TerminalText.Printable(label)}' is not 1 to 40 lower-case letters, digits or '_'");
            }

            if (conditions.Any(x => x.Label == label))
            {
                throw new FormatException($"{source}: condition {label} appears twice");
            }

            if (c.Dimensions is not { Count: > 0 })
            {
                throw new FormatException($"{source}: condition {label} has no dimensions");
            }

            var dimensions = new List<Dimension>();
            foreach (var d in c.Dimensions)
            {
                if (d.Module is null || !Modules.ContainsKey(d.Module))
                {
                    throw new FormatException($"{source}: condition {label}: '{TerminalText.Printable(d.Module ?? string.Empty)}' is not a dimension; they are {string.Join(", ", Modules.Keys)}");
                }

                var parameters = (d.Parameters ?? []).ToDictionary(p => p.Key, p => p.Value switch { IEnumerable<object> items => string.Join(",", items), var v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? string.Empty }, StringComparer.Ordinal);
                var dimension = new Dimension(d.Module, parameters, d.Invert);
                try
                {
                    Check(dimension);
                }
                catch (FormatException e)
                {
                    throw new FormatException($"{source}: condition {label}: {e.Message}", e);
                }

                dimensions.Add(dimension);
            }

            if (c.GracePeriodDays is < 0 or > 3650 || c.MaxAllowedMatchingRatio is <= 0 or > 1)
            {
                throw new FormatException($"{source}: condition {label}: grace_period_days must be 0 to 3650 and max_allowed_matching_ratio above 0 and at most 1");
            }

            conditions.Add(new Condition(label, string.IsNullOrWhiteSpace(c.Reason) ? label : c.Reason.Trim(), dimensions, c.GracePeriodDays, c.Blocking, c.MaxAllowedMatchingRatio));
        }

        return new ConditionSet(conditions, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(yaml))));
    }

    private static void Check(Dimension d)
    {
        switch (d.Module)
        {
            case "duplicate_threshold":
                d.Int("threshold", 2, 1_000_000);
                d.Int("period_days", 1, 366);
                break;
            case "daily_avg_duplicate":
                d.Int("threshold", 2, 1_000_000);
                d.Int("period_days", 1, 366);
                d.Int("min_seen_days", 1, 366, 1);
                break;
        }

        var known = d.Module switch
        {
            "duplicate_threshold" => ["threshold", "period_days"],
            "daily_avg_duplicate" => ["threshold", "period_days", "min_seen_days"],
            "not_registered" => new[] { "exempt_device_types" },
            _ => [],
        };
        if (d.Parameters.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            throw new FormatException($"dimension {d.Module} has no parameter '{TerminalText.Printable(unknown)}'{(known.Length > 0 ? "; it takes " + string.Join(", ", known) : "; it takes none")}");
        }
    }

    private sealed class File
    {
        public List<ConditionYaml>? Conditions { get; set; }
    }

    private sealed class ConditionYaml
    {
        public string? Label { get; set; }

        public string? Reason { get; set; }

        public List<DimensionYaml>? Dimensions { get; set; }

        public int GracePeriodDays { get; set; }

        public bool Blocking { get; set; }

        public double MaxAllowedMatchingRatio { get; set; } = 0.1;
    }

    private sealed class DimensionYaml
    {
        public string? Module { get; set; }

        public Dictionary<string, object>? Parameters { get; set; }

        public bool Invert { get; set; }
    }
}
