using System.Text.Json;

namespace ConformityLab.Probes;

/// <summary>One vendor command that writes an identifier, and its harmless forms.</summary>
/// <param name="Vendor">The vendor family.</param>
/// <param name="Command">The command name (<c>+EGMR</c>).</param>
/// <param name="TestForm">The test form the probe sends (<c>AT+EGMR=?</c>).</param>
/// <param name="ReadForm">The read form, for the record (the identity reader already uses it where it reads an IMEI).</param>
/// <param name="WriteForm">The write form, for the record only: never sent by this probe.</param>
/// <param name="WriteModePattern">A regex over the test-form answer lines that matches when the write mode is listed (EGMR's mode 1).</param>
/// <param name="BareOkMeansWrite">Whether a test form answered OK shows a write path (the command's only set form writes).</param>
public sealed record WriteCommand(string Vendor, string Command, string TestForm, string? ReadForm, string WriteForm, string? WriteModePattern, bool BareOkMeansWrite);

/// <summary>The vendor identifier-write commands, as data (<c>Data/write-commands.json</c>, with its sources).</summary>
/// <param name="Commands">The commands, in the order they are probed.</param>
/// <param name="Notes">The notes and sources of the data file.</param>
public sealed record WriteCommandCatalogue(IReadOnlyList<WriteCommand> Commands, IReadOnlyList<string> Notes)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The catalogue shipped with the lab.</summary>
    public static WriteCommandCatalogue BuiltIn { get; } = LoadBuiltIn();

    /// <summary>Parses a catalogue in the <c>write-commands.json</c> format.</summary>
    public static WriteCommandCatalogue Parse(string json)
    {
        var file = JsonSerializer.Deserialize<FileModel>(json, Json) ?? throw new InvalidDataException("empty write-command catalogue");
        foreach (var c in file.Commands)
        {
            if (!c.TestForm.TrimEnd().EndsWith("=?", StringComparison.Ordinal) || IdentifierWriteForms.IsWriteForm(c.TestForm, out _))
            {
                throw new InvalidDataException($"write-command catalogue: '{c.TestForm}' is not a test form; only test forms are probed");
            }
        }

        return new WriteCommandCatalogue(file.Commands, file.Notes ?? []);
    }

    private static WriteCommandCatalogue LoadBuiltIn()
    {
        using var stream = typeof(WriteCommandCatalogue).Assembly.GetManifestResourceStream("probes/write-commands.json")
            ?? throw new InvalidOperationException("the built-in write-command catalogue is missing from the assembly");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }

    private sealed record FileModel(IReadOnlyList<WriteCommand> Commands, IReadOnlyList<string>? Notes);
}
