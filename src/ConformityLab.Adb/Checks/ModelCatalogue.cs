using System.Text.Json;

namespace ConformityLab.Adb.Checks;

/// <summary>The reference specification of a model.</summary>
/// <param name="Models">Model names and numbers it goes by (<c>ro.product.model</c> values).</param>
/// <param name="Brand">The brand.</param>
/// <param name="Platforms">The <c>ro.board.platform</c> values it ships with.</param>
/// <param name="Vendor">The chipset vendor.</param>
/// <param name="MinRamGb">The smallest RAM option, in GB.</param>
public sealed record ModelSpec(IReadOnlyList<string> Models, string Brand, IReadOnlyList<string> Platforms, string Vendor, double MinRamGb);

/// <summary>Reference specifications of models (the embedded <c>Reference/models.json</c>, or a lab's own).</summary>
public sealed class ModelCatalogue
{
    private readonly IReadOnlyList<ModelSpec> _models;

    /// <summary>Creates a catalogue from specs.</summary>
    public ModelCatalogue(IReadOnlyList<ModelSpec> models) => _models = models;

    /// <summary>The catalogue shipped with the lab.</summary>
    public static ModelCatalogue BuiltIn { get; } = LoadBuiltIn();

    /// <summary>Parses a catalogue in the <c>models.json</c> format.</summary>
    public static ModelCatalogue Parse(string json)
    {
        var file = JsonSerializer.Deserialize<CatalogueFile>(json, new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            ?? throw new InvalidDataException("empty model catalogue");
        return new ModelCatalogue(file.Models);
    }

    /// <summary>The spec of a model, matched case-insensitively on its name.</summary>
    public bool TryFind(string model, out ModelSpec spec)
    {
        spec = _models.FirstOrDefault(m => m.Models.Any(n => string.Equals(n, model.Trim(), StringComparison.OrdinalIgnoreCase)))!;
        return spec is not null;
    }

    private static ModelCatalogue LoadBuiltIn()
    {
        using var stream = typeof(ModelCatalogue).Assembly.GetManifestResourceStream("reference/models.json")
            ?? throw new InvalidOperationException("the built-in model catalogue is missing from the assembly");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private sealed record CatalogueFile(IReadOnlyList<ModelSpec> Models);
}
