using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ConformityLab.At;

/// <summary>How a path's reply is read.</summary>
public enum ReplyParser
{
    /// <summary>One line of text, tag, label and quotes removed.</summary>
    Text,

    /// <summary>An IMEI: the 14 to 17 digit token of the reply.</summary>
    Imei,

    /// <summary>An IMEISV: the 16-digit token of the reply.</summary>
    ImeiSv,

    /// <summary>An SVN (two digits) that completes the IMEI's first 14 digits into an IMEISV.</summary>
    Svn,

    /// <summary>The labelled or positional lines of an ATI answer.</summary>
    Ati,
}

/// <summary>One way of reading one field: a read-only command and how to read its reply.</summary>
/// <param name="Field">The field it reads.</param>
/// <param name="Slot">1-based SIM slot, for IMEIs.</param>
/// <param name="Command">The command, read or test form only.</param>
/// <param name="Parser">How to read the reply.</param>
/// <param name="FallbackOnly">Sent only when no earlier path gave the field.</param>
/// <param name="TimeoutMs">The command's own timeout; the channel default when null.</param>
/// <param name="Vendor">The vendor file it came from.</param>
public sealed record AtReadPath(IdentityField Field, int Slot, string Command, ReplyParser Parser, bool FallbackOnly, int? TimeoutMs, string Vendor);

/// <summary>
/// The vendor knowledge of identity reading, kept as data: one small JSON file per vendor under
/// <c>Vendors/</c> (as ModemManager keeps one plugin per vendor). The generic 3GPP file comes
/// first; vendor read forms follow. Every path is a read or test form: the catalogue refuses to
/// load an identifier write form.
/// </summary>
public sealed class VendorCatalogue
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        Converters = { new JsonStringEnumConverter() },
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    private readonly IReadOnlyList<(IReadOnlyList<string> Manufacturers, IReadOnlyList<IdentityField> Lines)> _atiLayouts;

    private VendorCatalogue(IReadOnlyList<AtReadPath> paths, IReadOnlyList<string> unsolicited, IReadOnlyList<string> vendors, IReadOnlyList<(IReadOnlyList<string>, IReadOnlyList<IdentityField>)> atiLayouts)
    {
        Paths = paths;
        UnsolicitedPrefixes = unsolicited;
        Vendors = vendors;
        _atiLayouts = atiLayouts;
    }

    /// <summary>
    /// The order of the unlabelled lines of ATI for a manufacturer, when its vendor file
    /// describes it (Quectel: manufacturer, then model); null otherwise, and then an unlabelled
    /// ATI line is only the device's description.
    /// </summary>
    /// <param name="manufacturer">The manufacturer as +CGMI or +GMI named it; null when none did.</param>
    public IReadOnlyList<IdentityField>? AtiLayoutFor(string? manufacturer) =>
        manufacturer is null ? null : _atiLayouts.FirstOrDefault(l => l.Manufacturers.Any(m => Names.Same(m, manufacturer))).Lines;

    /// <summary>Every path, in the order they are tried.</summary>
    public IReadOnlyList<AtReadPath> Paths { get; }

    /// <summary>The generic unsolicited prefixes plus every vendor's.</summary>
    public IReadOnlyList<string> UnsolicitedPrefixes { get; }

    /// <summary>The vendor files loaded, generic first.</summary>
    public IReadOnlyList<string> Vendors { get; }

    /// <summary>The catalogue built into this assembly.</summary>
    public static VendorCatalogue LoadBuiltIn()
    {
        var assembly = typeof(VendorCatalogue).Assembly;
        var names = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("vendors/", StringComparison.Ordinal))
            .OrderBy(n => n == "vendors/generic.json" ? 0 : 1)
            .ThenBy(n => n, StringComparer.Ordinal);
        var files = names.Select(n => (n, Read(assembly, n)));
        return Build(files);
    }

    /// <summary>Builds a catalogue from vendor files given as (name, JSON text).</summary>
    /// <exception cref="InvalidDataException">A file is malformed or holds an identifier write form.</exception>
    public static VendorCatalogue Build(IEnumerable<(string Name, string Json)> files)
    {
        var paths = new List<AtReadPath>();
        var unsolicited = new List<string>(AtResultCodes.DefaultUnsolicited);
        var vendors = new List<string>();
        var layouts = new List<(IReadOnlyList<string>, IReadOnlyList<IdentityField>)>();
        foreach (var (name, json) in files)
        {
            VendorFile file;
            try
            {
                file = JsonSerializer.Deserialize<VendorFile>(json, JsonOptions) ?? throw new InvalidDataException($"{name}: empty vendor file");
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{name}: not a valid vendor file: {e.Message}", e);
            }

            vendors.Add(file.Vendor);
            if (file.AtiLayout is { } layout)
            {
                if (layout.Manufacturers is not { Count: > 0 } || layout.Lines is not { Count: > 0 })
                {
                    throw new InvalidDataException($"{name}: atiLayout needs 'manufacturers' (as +CGMI names them) and 'lines' (the fields of ATI's unlabelled lines, in order)");
                }

                layouts.Add((layout.Manufacturers, layout.Lines));
            }

            unsolicited.AddRange(file.Unsolicited ?? []);
            foreach (var p in file.Paths ?? [])
            {
                if (IdentifierWriteForms.IsWriteForm(p.Command, out var family))
                {
                    throw new InvalidDataException($"{name}: '{p.Command}' is the {family} identifier write form; only read and test forms may be catalogued");
                }

                paths.Add(new AtReadPath(p.Field, p.Slot ?? 1, p.Command, p.Parser, p.FallbackOnly, p.TimeoutMs, file.Vendor));
            }
        }

        return new VendorCatalogue(paths, unsolicited.Distinct(StringComparer.Ordinal).ToList(), vendors, layouts);
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed record VendorFile(string Vendor, string? Description, List<string>? Unsolicited, List<PathEntry>? Paths, AtiLayoutEntry? AtiLayout);

    private sealed record AtiLayoutEntry(List<string>? Manufacturers, List<IdentityField>? Lines, string? Note);

    private sealed record PathEntry(IdentityField Field, string Command, ReplyParser Parser, int? Slot, bool FallbackOnly, int? TimeoutMs, string? Note);
}
