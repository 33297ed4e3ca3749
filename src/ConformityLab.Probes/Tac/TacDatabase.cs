namespace ConformityLab.Probes.Tac;

/// <summary>One TAC allocation, as a GSMA TAC file gives it.</summary>
/// <param name="Tac">The 8-digit Type Allocation Code.</param>
/// <param name="Manufacturer">The manufacturer the TAC was allocated to.</param>
/// <param name="ModelName">The model name.</param>
/// <param name="Bands">The radio bands, as listed (comma-separated in GSMA files).</param>
/// <param name="AllocationDate">The allocation date (dd-Mon-yyyy in the file), when given.</param>
/// <param name="DeviceType">The device type (Smartphone, Module, ...).</param>
/// <param name="OptionalFields">Optional fields (brand, marketing name, OS, SIM slots, NFC, WLAN, ...), by name.</param>
/// <param name="Line">The line of the file it came from.</param>
public sealed record TacRecord(
    string Tac,
    string Manufacturer,
    string ModelName,
    IReadOnlyList<string> Bands,
    DateOnly? AllocationDate,
    string DeviceType,
    IReadOnlyDictionary<string, string> OptionalFields,
    int Line);

/// <summary>A row the importer refused, with its line number and why.</summary>
/// <param name="Line">1-based line number in the file.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Text">The row as it stands in the file (cut at 200 characters).</param>
public sealed record TacImportError(int Line, string Message, string Text)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>A TAC database: the good rows of one or more GSMA-format files, and the rows refused.</summary>
public sealed class TacDatabase
{
    private readonly Dictionary<string, TacRecord> _records;

    /// <summary>Creates a database from records (a later duplicate TAC replaces an earlier one) and the import errors.</summary>
    public TacDatabase(IEnumerable<TacRecord> records, IReadOnlyList<TacImportError> errors, string source)
    {
        _records = new Dictionary<string, TacRecord>(StringComparer.Ordinal);
        foreach (var r in records)
        {
            _records[r.Tac] = r;
        }

        Errors = errors;
        Source = source;
    }

    /// <summary>Where the data came from (a file name).</summary>
    public string Source { get; }

    /// <summary>Rows refused by the importer, with line numbers.</summary>
    public IReadOnlyList<TacImportError> Errors { get; }

    /// <summary>The number of allocations.</summary>
    public int Count => _records.Count;

    /// <summary>Every allocation, by TAC.</summary>
    public IReadOnlyCollection<TacRecord> Records => _records.Values;

    /// <summary>The allocation of the TAC of <paramref name="imeiOrTac"/> (its first 8 digits).</summary>
    public bool TryFind(string imeiOrTac, out TacRecord record)
    {
        record = null!;
        if (imeiOrTac.Length < 8)
        {
            return false;
        }

        if (_records.TryGetValue(imeiOrTac[..8], out var found))
        {
            record = found;
            return true;
        }

        return false;
    }

    /// <summary>Loads a GSMA-format file (see <see cref="TacImporter"/>).</summary>
    public static async Task<TacDatabase> LoadAsync(string path, CancellationToken cancellationToken)
    {
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        return TacImporter.Parse(text, Path.GetFileName(path));
    }
}
