using System.Globalization;
using System.Text.Json;

namespace ConformityLab.Probes.Tac;

/// <summary>
/// Imports GSMA-format TAC files: pipe-delimited
/// <c>TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields</c>, with an
/// optional header row, as DIRBS validates them (DIRBS-Core <c>etc/schema/GSMASchema.csvs</c>:
/// 7 columns, separator '|', column names case-insensitive, TAC of length 8 and a positive
/// integer, every other column optional, the allocation date dd-Mon-yyyy). Pure: text in,
/// database out. A bad row never stops the import: it is reported with its line number and the
/// good rows are kept.
/// </summary>
public static class TacImporter
{
    /// <summary>The column names, in order.</summary>
    public static IReadOnlyList<string> Columns { get; } = ["TAC", "Manufacturer", "Model_Name", "Bands", "Allocation_Date", "Device_Type", "Optional_Fields"];

    /// <summary>Parses a whole file.</summary>
    /// <param name="text">The file's text.</param>
    /// <param name="source">Its name, for messages.</param>
    public static TacDatabase Parse(string text, string source)
    {
        var records = new List<TacRecord>();
        var errors = new List<TacImportError>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = i + 1;
            if (i == 0)
            {
                line = line.TrimStart('\uFEFF');
            }

            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            if (i == 0 && line.Split('|')[0].Trim().Equals("TAC", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (TryParseRow(line, number, out var record, out var error))
            {
                records.Add(record);
            }
            else
            {
                errors.Add(new TacImportError(number, error, line.Length > 200 ? line[..200] : line));
            }
        }

        return new TacDatabase(records, errors, source);
    }

    /// <summary>Parses one row, or says what is wrong with it.</summary>
    public static bool TryParseRow(string line, int number, out TacRecord record, out string error)
    {
        record = null!;
        var cells = line.Split('|');
        if (cells.Length != Columns.Count)
        {
            error = $"{cells.Length} columns, expected {Columns.Count} ({string.Join("|", Columns)})";
            return false;
        }

        var tac = cells[0].Trim();
        if (tac.Length != 8 || !tac.All(char.IsAsciiDigit))
        {
            error = $"TAC '{tac}' is not 8 decimal digits";
            return false;
        }

        if (tac == "00000000")
        {
            error = "TAC 00000000 is not a positive integer";
            return false;
        }

        DateOnly? date = null;
        var dateText = cells[4].Trim();
        if (dateText.Length > 0)
        {
            // GSMA and DIRBS: dd-Mon-yyyy with English month abbreviations (01-Jan-2020).
            if (dateText.Length != 11 || !DateOnly.TryParseExact(dateText, "dd-MMM-yyyy", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                error = $"Allocation_Date '{dateText}' is not dd-Mon-yyyy (01-Jan-2020)";
                return false;
            }

            date = d;
        }

        if (!TryParseOptional(cells[6].Trim(), out var optional, out error))
        {
            return false;
        }

        var bands = cells[3].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        record = new TacRecord(tac, cells[1].Trim(), cells[2].Trim(), bands, date, cells[5].Trim(), optional, number);
        error = string.Empty;
        return true;
    }

    /// <summary>
    /// Optional fields come as a JSON object (<c>{"brand_name":"Galaxy"}</c>, how DIRBS stores them) or
    /// as <c>key=value</c> pairs separated by ';'. Empty is none.
    /// </summary>
    private static bool TryParseOptional(string text, out IReadOnlyDictionary<string, string> fields, out string error)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        fields = result;
        error = string.Empty;
        if (text.Length == 0)
        {
            return true;
        }

        if (text.StartsWith('{'))
        {
            try
            {
                using var doc = JsonDocument.Parse(text);
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    error = "Optional_Fields is not a JSON object";
                    return false;
                }

                foreach (var p in doc.RootElement.EnumerateObject())
                {
                    result[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                }

                return true;
            }
            catch (JsonException e)
            {
                error = $"Optional_Fields is not valid JSON: {e.Message}";
                return false;
            }
        }

        foreach (var pair in text.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"Optional_Fields entry '{pair}' is not key=value";
                return false;
            }

            result[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }

        return true;
    }
}
