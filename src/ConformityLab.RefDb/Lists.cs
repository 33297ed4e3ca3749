using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using ConformityLab.Probes.Tac;
using nietras.SeparatedValues;

namespace ConformityLab.RefDb;

/// <summary>A list the database holds: its table, its columns (the key first) and how a file's rows become its rows.</summary>
/// <param name="Name">The list's name (<c>tac</c>, <c>stolen</c>, <c>registration</c>).</param>
/// <param name="Table">Its table.</param>
/// <param name="Columns">Its columns; the first is the key.</param>
public sealed record ListKind(string Name, string Table, IReadOnlyList<string> Columns)
{
    /// <summary>The GSMA TAC database.</summary>
    public static ListKind Tac { get; } = new("tac", "tac", ["tac", "manufacturer", "model", "bands", "allocation_date", "device_type", "optional_fields"]);

    /// <summary>Stolen and lost devices: DIRBS's <c>imei,reporting_date,status</c> and the Q.5051 fields.</summary>
    public static ListKind Stolen { get; } = new("stolen", "stolen", ["imei", "raw", "reporting_date", "status", "country", "party", "case_ref", "make", "model"]);

    /// <summary>Registered (type-approved) devices: DIRBS's registration list.</summary>
    public static ListKind Registration { get; } = new("registration", "registration", ["imei", "raw", "make", "model", "status", "model_number", "brand_name", "device_type", "radio_interface", "device_id"]);

    /// <summary>The lists, by name.</summary>
    public static IReadOnlyList<ListKind> All { get; } = [Tac, Stolen, Registration];

    /// <summary>The pairing list: IMEI and the keyed hash (hex) of the IMSI paired with it. Its parser hashes, so it is not among <see cref="All"/>'s plain lists.</summary>
    public static ListKind Pairing { get; } = new("pairing", "pairings", ["imei", "imsi_hash"]);
}

/// <summary>A line a file's parser refused, with its number and why.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Reason">What is wrong.</param>
public sealed record RejectedLine(long Line, string Reason)
{
    /// <inheritdoc />
    public override string ToString() => $"line {Line}: {Reason}";
}

/// <summary>A parsed list file: the good rows sorted by key (a later duplicate of a key is refused), and the refused lines.</summary>
/// <param name="Kind">The list.</param>
/// <param name="Source">The file's name.</param>
/// <param name="Rows">The rows' values in the list's column order, sorted by key (ordinal).</param>
/// <param name="Rejected">The refused lines.</param>
/// <param name="Lines">Data lines read (good and refused).</param>
public sealed record ParsedList(ListKind Kind, string Source, IReadOnlyList<string?[]> Rows, IReadOnlyList<RejectedLine> Rejected, long Lines)
{
    /// <summary>The share of data lines refused.</summary>
    public double RejectedShare => Lines == 0 ? 0 : (double)Rejected.Count / Lines;

    /// <summary>
    /// The SHA-256 of a list's content, as the log records it: every row in key order (ordinal), each
    /// the JSON array of its values and a line feed. The database recomputes it from its rows to
    /// find a change made behind the log's back.
    /// </summary>
    public static string ContentHash(IEnumerable<string?[]> rowsInKeyOrder)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(4096);
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var row in rowsInKeyOrder)
        {
            // The same bytes as JsonSerializer gives a string?[] (its default encoder), written without a serializer per row.
            writer.WriteStartArray();
            foreach (var value in row)
            {
                if (value is null)
                {
                    writer.WriteNullValue();
                }
                else
                {
                    writer.WriteStringValue(value);
                }
            }

            writer.WriteEndArray();
            writer.Flush();
            hash.AppendData(buffer.WrittenSpan);
            hash.AppendData("\n"u8);
            buffer.ResetWrittenCount();
            writer.Reset(buffer);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// The list files' parsers: pure (text in, rows and refused lines out), streaming, and never
/// stopped by one bad line. IMEIs are kept as their first 14 digits, as DIRBS keeps them; the raw
/// value is kept too when it was not 15 digits.
/// </summary>
public static class ListParsers
{
    /// <summary>Reads a list file of <paramref name="kind"/>.</summary>
    /// <param name="kind">Which list.</param>
    /// <param name="path">The file.</param>
    /// <param name="progress">Told the number of lines read so far, every 100,000 lines.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="FormatException">The file has not the list's header; the message names the columns it needs.</exception>
    public static ParsedList Read(ListKind kind, string path, IProgress<long>? progress, CancellationToken cancellationToken) => kind.Name switch
    {
        "tac" => ReadTac(path, progress, cancellationToken),
        "stolen" => ReadCsv(kind, path, ["imei", "reporting_date", "status"], ["reporting_country", "reporting_party", "case_reference", "make", "model"], progress, cancellationToken),
        _ => ReadCsv(kind, path, ["approved_imei", "make", "model", "status"], ["model_number", "brand_name", "device_type", "radio_interface", "device_id"], progress, cancellationToken),
    };

    /// <summary>An IMEI as the database keys it: its first 14 digits; null when it is not 14 to 16 decimal digits.</summary>
    public static string? Key(string imei) => imei.Length is >= 14 and <= 16 && imei.All(char.IsAsciiDigit) ? imei[..14] : null;

    /// <summary>The GSMA TAC file, through the same row parser <c>probe --tac-db</c> uses.</summary>
    private static ParsedList ReadTac(string path, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<long, string?[]>();
        var rejected = new List<RejectedLine>();
        long number = 0, lines = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = number == 1 ? raw.TrimStart('\uFEFF').TrimEnd('\r') : raw.TrimEnd('\r');
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#') || (number == 1 && line.Split('|')[0].Trim().Equals("TAC", StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            lines++;
            Tick(lines, progress, cancellationToken);
            if (!TacImporter.TryParseRow(line, (int)Math.Min(number, int.MaxValue), out var r, out var error))
            {
                rejected.Add(new RejectedLine(number, error));
            }
            else if (!rows.TryAdd(long.Parse(r.Tac, CultureInfo.InvariantCulture), [r.Tac, r.Manufacturer, r.ModelName, string.Join(',', r.Bands), r.AllocationDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), r.DeviceType, JsonSerializer.Serialize(r.OptionalFields)]))
            {
                rejected.Add(new RejectedLine(number, $"TAC {r.Tac} appears again (the first one is kept)"));
            }
        }

        return new ParsedList(ListKind.Tac, Path.GetFileName(path), Sorted(rows), rejected, lines);
    }

    /// <summary>
    /// A DIRBS-style CSV list. Rows are parsed on every core (Sep's <c>ParallelEnumerate</c>, which
    /// keeps the file's order), then sorted by key once; of several rows with one key the first in
    /// the file is kept and the others are refused by line number.
    /// </summary>
    private static ParsedList ReadCsv(ListKind kind, string path, string[] required, string[] optional, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        // Repeated values (statuses, dates, countries) are pooled per column rather than allocated per row.
        using var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true, CreateToString = SepToString.PoolPerColThreadSafe(maximumStringLength: 64) }).FromFile(path);
        var header = reader.Header;
        var names = header.ColNames.Select(n => n.Trim().ToLowerInvariant()).ToList();
        var missing = required.Where(r => !names.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"{Path.GetFileName(path)} has no {string.Join(", ", missing)} column; a {kind.Name} list has the header {string.Join(",", required.Concat(optional))} (the last {optional.Length} optional)");
        }

        var shape = new CsvShape(kind, [.. required.Concat(optional).Select(c => names.IndexOf(c))], names.Count);
        var capacity = (int)Math.Min(int.MaxValue / 2, new FileInfo(path).Length / 24);
        var keys = new List<long>(capacity);
        var values = new List<string?[]>(capacity);
        var lineOf = new List<long>(capacity);
        var rejected = new List<RejectedLine>();
        long lines = 0;
        foreach (var row in reader.ParallelEnumerate(shape.Parse))
        {
            lines++;
            Tick(lines, progress, cancellationToken);
            if (row.Values is null)
            {
                rejected.Add(new RejectedLine(row.Line, row.Error!));
                continue;
            }

            keys.Add(row.Key);
            values.Add(row.Values);
            lineOf.Add(row.Line);
        }

        // Sort by key once; within a run of one key, the row first in the file is kept.
        var order = new int[keys.Count];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        var sortedKeys = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keys);
        sortedKeys.Sort(order.AsSpan());
        var rows = new List<string?[]>(order.Length);
        for (var i = 0; i < order.Length;)
        {
            var end = i + 1;
            while (end < order.Length && sortedKeys[end] == sortedKeys[i])
            {
                end++;
            }

            var first = order[i];
            for (var j = i + 1; j < end; j++)
            {
                first = Math.Min(first, order[j]);
            }

            rows.Add(values[first]);
            for (var j = i; j < end; j++)
            {
                if (order[j] != first)
                {
                    rejected.Add(new RejectedLine(lineOf[order[j]], $"IMEI {values[first][0]} appears again (the first one is kept)"));
                }
            }

            i = end;
        }

        rejected.Sort((a, b) => a.Line.CompareTo(b.Line));
        return new ParsedList(kind, Path.GetFileName(path), rows, rejected, lines);
    }

    /// <summary>One CSV line's outcome: its key and values, or why it was refused.</summary>
    private readonly record struct CsvRow(long Key, string?[]? Values, long Line, string? Error);

    /// <summary>How a list's columns sit in a file; parses one row without shared mutable state but a thread-safe cache of dates.</summary>
    private sealed class CsvShape(ListKind kind, int[] index, int columns)
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _dates = new(StringComparer.Ordinal);

        public CsvRow Parse(SepReader.Row row)
        {
            var number = row.LineNumberFrom;
            if (row.ColCount != columns)
            {
                return new CsvRow(0, null, number, $"{row.ColCount} columns, the header has {columns}");
            }

            // The IMEI is read from the span (it is unique: pooling it would only cost); the other cells are pooled.
            var imeiSpan = row[index[0]].Span;
            if (imeiSpan.Length is < 14 or > 16 || imeiSpan.ContainsAnyExceptInRange('0', '9'))
            {
                return new CsvRow(0, null, number, $"'{TerminalText.Printable(imeiSpan.ToString())}' is not an IMEI (14 to 16 decimal digits)");
            }

            var cells = new string?[index.Length];
            for (var i = 1; i < index.Length; i++)
            {
                cells[i] = index[i] < 0 ? null : row[index[i]].ToString() is { Length: > 0 } v ? v : null;
            }

            string? Cell(int i) => cells[i];
            var key = new string(imeiSpan[..14]);
            string? raw = imeiSpan.Length == 15 ? null : imeiSpan.ToString();
            string?[] values = kind.Name == "stolen"
                ? [key, raw, Cell(1), Cell(2), Cell(3), Cell(4), Cell(5), Cell(6), Cell(7)]
                : [key, raw, Cell(1), Cell(2), Cell(3), Cell(4), Cell(5), Cell(6), Cell(7), Cell(8)];
            if (kind.Name == "stolen" && values[2] is { } date)
            {
                // A list holds few distinct dates: each is parsed once.
                var normalised = _dates.GetOrAdd(date, static d => DateOnly.TryParseExact(d, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var reported) ? reported.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : null);
                if (normalised is null)
                {
                    return new CsvRow(0, null, number, $"reporting_date '{TerminalText.Printable(date)}' is not yyyymmdd or yyyy-mm-dd");
                }

                values[2] = normalised;
            }

            return new CsvRow(long.Parse(imeiSpan[..14], CultureInfo.InvariantCulture), values, number, null);
        }
    }

    private static readonly string[] DateFormats = ["yyyyMMdd", "yyyy-MM-dd"];

    /// <summary>The rows in key order: keys of one length are digits, so their numeric order is their ordinal order.</summary>
    private static string?[][] Sorted(Dictionary<long, string?[]> rows)
    {
        var keys = rows.Keys.ToArray();
        var values = rows.Values.ToArray();
        Array.Sort(keys, values);
        return values;
    }

    private static void Tick(long lines, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (lines % 100_000 == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            progress?.Report(lines);
        }
    }
}
