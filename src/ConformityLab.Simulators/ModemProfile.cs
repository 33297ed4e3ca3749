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

    /// <summary>Parses a profile from YAML text.</summary>
    /// <exception cref="InvalidDataException">The YAML is malformed or names an unknown field.</exception>
    public static ModemProfile Parse(string yaml, string source)
    {
        var deserializer = new DeserializerBuilder()
            .WithNamingConvention(HyphenatedNamingConvention.Instance)
            .Build();
        try
        {
            var profile = deserializer.Deserialize<ModemProfile>(yaml) ?? throw new InvalidDataException($"{source}: empty profile");
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
