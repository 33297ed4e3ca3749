using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConformityLab.Adb.Simulator;

/// <summary>One scripted answer of a profile's shell (an entry of <c>manifest.json</c>).</summary>
/// <param name="Command">The exact command line it answers.</param>
/// <param name="Stdout">A file of the profile that is the standard output.</param>
/// <param name="StdoutText">Inline standard output, used when <paramref name="Stdout"/> is null.</param>
/// <param name="StderrText">Inline standard error.</param>
/// <param name="Exit">The exit code.</param>
/// <param name="Sequence">Files answered one per call, the last repeating (a value sampled over time).</param>
/// <param name="Requires">A state flag that must be set for this entry to answer (set by an earlier command).</param>
/// <param name="Sets">A state flag this command sets (the dialer is open, say).</param>
/// <param name="Writes">Device paths this command writes, mapped to profile files (what <c>uiautomator dump</c> does).</param>
public sealed record ProfileCommand(
    string Command,
    string? Stdout = null,
    string? StdoutText = null,
    string? StderrText = null,
    int Exit = 0,
    IReadOnlyList<string>? Sequence = null,
    string? Requires = null,
    string? Sets = null,
    IReadOnlyDictionary<string, string>? Writes = null);

/// <summary>The <c>manifest.json</c> of a profile.</summary>
/// <param name="Description">What the profile stands for.</param>
/// <param name="Commands">Scripted commands, matched in order.</param>
/// <param name="Files">Device paths (for <c>cat</c> and <c>sync:</c>) mapped to profile files.</param>
public sealed record ProfileManifest(
    string Description,
    IReadOnlyList<ProfileCommand> Commands,
    IReadOnlyDictionary<string, string>? Files = null);

/// <summary>
/// A simulated Android device as data: a folder under <c>fixtures/android/&lt;name&gt;/</c> with a
/// <c>getprop.txt</c> dump (real <c>getprop</c> format), a <c>manifest.json</c> and the command
/// outputs it names.
/// </summary>
public sealed class AndroidProfile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private AndroidProfile(string name, string directory, ProfileManifest manifest, string getprop, IReadOnlyDictionary<string, string> properties)
    {
        Name = name;
        Directory = directory;
        Manifest = manifest;
        GetpropDump = getprop;
        Properties = properties;
    }

    /// <summary>The profile's name (its folder name).</summary>
    public string Name { get; }

    /// <summary>The profile's folder.</summary>
    public string Directory { get; }

    /// <summary>The parsed manifest.</summary>
    public ProfileManifest Manifest { get; }

    /// <summary>The <c>getprop</c> dump, as the device prints it.</summary>
    public string GetpropDump { get; }

    /// <summary>The properties of the dump.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }

    /// <summary>The CNXN banner: <c>device::ro.product.name=..;ro.product.model=..;ro.product.device=..;features=shell_v2,cmd</c>.</summary>
    public string Banner =>
        $"device::ro.product.name={Prop("ro.product.name")};ro.product.model={Prop("ro.product.model")};ro.product.device={Prop("ro.product.device")};features=shell_v2,cmd";

    /// <summary>Loads a profile folder.</summary>
    public static AndroidProfile Load(string directory)
    {
        var full = Path.GetFullPath(directory);
        var manifestPath = Path.Combine(full, "manifest.json");
        var getpropPath = Path.Combine(full, "getprop.txt");
        if (!File.Exists(manifestPath) || !File.Exists(getpropPath))
        {
            throw new FileNotFoundException($"'{full}' is not an Android profile: it needs manifest.json and getprop.txt");
        }

        var manifest = JsonSerializer.Deserialize<ProfileManifest>(File.ReadAllText(manifestPath), Json)
            ?? throw new InvalidDataException($"{manifestPath} is empty");
        // A device prints LF line ends; a dump saved on Windows (UTF-16 with a BOM, CRLF) is served as the device printed it.
        var getprop = File.ReadAllText(getpropPath).Replace("\r\n", "\n", StringComparison.Ordinal);
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in getprop.Split('\n'))
        {
            // getprop prints "[key]: [value]".
            var l = line.TrimEnd('\r');
            var split = l.IndexOf("]: [", StringComparison.Ordinal);
            if (l.StartsWith('[') && split > 0 && l.EndsWith(']'))
            {
                properties[l[1..split]] = l[(split + 4)..^1];
            }
        }

        return new AndroidProfile(Path.GetFileName(full), full, manifest, getprop, properties);
    }

    /// <summary>Reads a file of the profile.</summary>
    public byte[] ReadFile(string relative) => File.ReadAllBytes(Path.Combine(Directory, relative));

    private string Prop(string key) => Properties.TryGetValue(key, out var v) ? v : string.Empty;

    internal static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

/// <summary>Finds profiles on disk.</summary>
public static class AndroidProfiles
{
    /// <summary>The fixtures copied beside the running assembly: <c>&lt;AppContext.BaseDirectory&gt;/fixtures/android</c>.</summary>
    public static string DefaultRoot => Path.Combine(AppContext.BaseDirectory, "fixtures", "android");

    /// <summary>The names of the profiles under <paramref name="fixturesRoot"/> (default <see cref="DefaultRoot"/>), sorted.</summary>
    public static IReadOnlyList<string> List(string? fixturesRoot = null)
    {
        var root = fixturesRoot ?? DefaultRoot;
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .Where(d => File.Exists(Path.Combine(d, "manifest.json")) && File.Exists(Path.Combine(d, "getprop.txt")))
            .Select(Path.GetFileName)
            .OfType<string>()
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Loads a profile by name (under <paramref name="fixturesRoot"/>) or by folder path.</summary>
    public static AndroidProfile Load(string nameOrDirectory, string? fixturesRoot = null)
    {
        if (System.IO.Directory.Exists(nameOrDirectory) && File.Exists(Path.Combine(nameOrDirectory, "manifest.json")))
        {
            return AndroidProfile.Load(nameOrDirectory);
        }

        var root = fixturesRoot ?? DefaultRoot;
        var directory = Path.Combine(root, nameOrDirectory);
        return System.IO.Directory.Exists(directory)
            ? AndroidProfile.Load(directory)
            : throw new DirectoryNotFoundException($"no Android profile '{nameOrDirectory}' under {root}; known: {string.Join(", ", List(root))}");
    }
}
