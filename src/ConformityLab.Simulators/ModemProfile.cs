using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace ConformityLab.Simulators;

/// <summary>How a simulated modem frames its lines.</summary>
public enum Framing
{
    /// <summary>V.250 §5.7.1 verbose form: &lt;CR&gt;&lt;LF&gt;text&lt;CR&gt;&lt;LF&gt;.</summary>
    CrLf,

    /// <summary>The quirk of some firmware: text&lt;CR&gt;&lt;CR&gt;&lt;LF&gt;.</summary>
    CrCrLf,
}

/// <summary>
/// A simulated modem's behaviour, loaded from a YAML file under <c>fixtures/modems/&lt;vendor&gt;/</c>.
/// Commands map to reply scripts: plain strings are lines, and <c>@</c> directives add delays,
/// noise, raw bytes, unsolicited codes, silence or a hang-up (see <c>fixtures/modems/README.md</c>).
/// </summary>
public sealed class ModemProfile
{
    /// <summary>Profile name, as <c>conformitylab sim &lt;name&gt;</c> takes it.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Vendor family (the folder it lives in).</summary>
    public string Vendor { get; set; } = string.Empty;

    /// <summary>What the profile stands for and which quirks it carries.</summary>
    public string Description { get; set; } = string.Empty;

    /// <summary>Whether the modem echoes command lines (V.250 E1, the factory default).</summary>
    public bool Echo { get; set; } = true;

    /// <summary>Line framing.</summary>
    public Framing Framing { get; set; } = Framing.CrLf;

    /// <summary>Delay between bytes of every reply, in ms; 0 writes replies whole.</summary>
    public int DribbleMs { get; set; }

    /// <summary>A dead device reads commands and never answers.</summary>
    public bool Dead { get; set; }

    /// <summary>Run once when the simulator starts (boot noise, RDY, +CPIN: READY).</summary>
    public List<string> OnOpen { get; set; } = [];

    /// <summary>The reply to a command the profile does not know.</summary>
    public List<string> Unknown { get; set; } = ["ERROR"];

    /// <summary>
    /// The identifier-write commands this device would obey, as .NET regular expressions matched
    /// anywhere in the received line once its spaces outside quotes are gone and it is upper-cased
    /// (so a write hidden behind other commands on one line is still caught). The known vendor
    /// forms of <see cref="KnownIdentifierWrites"/> always apply too; a profile lists its own
    /// vendor's forms and any extra ones.
    /// </summary>
    public List<string> IdentifierWrites { get; set; } = [];

    /// <summary>
    /// The identifier-write forms every simulated modem flags, written here independently of
    /// the lab's own guard (vendors' AT manuals: MediaTek/Quectel +EGMR=1, SIMCom +SIMEI=,
    /// Huawei ^CIMEI, UNISOC +SPIMEI=, MediaTek +WIMEI=, Nordic %IMEIWRITE=).
    /// </summary>
    public static IReadOnlyList<string> KnownIdentifierWrites { get; } =
    [
        @"\+EGMR=1,", @"\+SIMEI=(?!\?)", @"\^CIMEI(?![?=]\?|\?)", @"\+SPIMEI=(?!\?)", @"\+WIMEI=(?!\?)", @"%IMEIWRITE=(?!\?)",
    ];

    /// <summary>Whether a received line carries an identifier write form by this profile's data, and which pattern matched.</summary>
    public bool IsIdentifierWrite(string line, out string? pattern)
    {
        var compact = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (!quoted && c is not (' ' or '\t'))
            {
                compact.Append(char.ToUpperInvariant(c));
            }
        }

        var text = compact.ToString();
        pattern = KnownIdentifierWrites.Concat(IdentifierWrites).FirstOrDefault(p => System.Text.RegularExpressions.Regex.IsMatch(text, p, System.Text.RegularExpressions.RegexOptions.CultureInvariant));
        return pattern is not null;
    }

    /// <summary>Command → reply script. Keys are matched case-insensitively; a trailing <c>*</c> matches any rest.</summary>
    public Dictionary<string, List<string>> Commands { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Finds the script for a command line: an exact key, else the longest matching wildcard, else <see cref="Unknown"/>.</summary>
    public IReadOnlyList<string> ScriptFor(string command)
    {
        if (Commands.TryGetValue(command, out var exact))
        {
            return exact;
        }

        var wildcard = Commands
            .Where(kv => kv.Key.EndsWith('*') && command.StartsWith(kv.Key[..^1], StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(kv => kv.Key.Length)
            .Select(kv => kv.Value)
            .FirstOrDefault();
        return wildcard ?? Unknown;
    }

    // Building a deserializer reflects over the profile type; one serves every parse (it is thread-safe).
    private static readonly IDeserializer Deserializer = new DeserializerBuilder()
        .WithNamingConvention(HyphenatedNamingConvention.Instance)
        .Build();

    /// <summary>Parses a profile from YAML text.</summary>
    /// <exception cref="InvalidDataException">The YAML is malformed or names an unknown field.</exception>
    public static ModemProfile Parse(string yaml, string source)
    {
        try
        {
            var profile = Deserializer.Deserialize<ModemProfile>(yaml) ?? throw new InvalidDataException($"{source}: empty profile");
            profile.Commands = new Dictionary<string, List<string>>(profile.Commands, StringComparer.OrdinalIgnoreCase);
            foreach (var step in profile.Commands.Values.SelectMany(s => s).Concat(profile.OnOpen).Concat(profile.Unknown))
            {
                ScriptStep.Parse(step, source);
            }

            return profile;
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{source}: not a valid modem profile: {e.Message}", e);
        }
    }
}
