using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using nietras.SeparatedValues;
using Npgsql;
using NpgsqlTypes;

namespace ConformityLab.RefDb;

/// <summary>What an import of operator data did.</summary>
/// <param name="Operator">The operator.</param>
/// <param name="Source">The file's name.</param>
/// <param name="Lines">Data lines read.</param>
/// <param name="Triplets">Triplets (IMEI, subscriber, month) the file held, merged.</param>
/// <param name="Rejected">Its refused lines.</param>
/// <param name="Before">Observation rows held before.</param>
/// <param name="After">Observation rows held after.</param>
/// <param name="ContentSha256">The hash of the file's triplets, as logged.</param>
/// <param name="Forced">Imported past the thresholds.</param>
/// <param name="LeafIndex">Its log leaf.</param>
public sealed record ObservationImportResult(string Operator, string Source, long Lines, long Triplets, IReadOnlyList<RejectedLine> Rejected, long Before, long After, string ContentSha256, bool Forced, long LeafIndex);

public sealed partial class ReferenceDatabase
{
    private static readonly string[] ObservationColumns = ["imei", "imsi_hash", "msisdn_hash", "operator", "month", "days", "rats", "import_id"];

    /// <summary>
    /// An observation already held gains the new days and generations; its import id moves only
    /// when it gained something, so classification re-evaluates only IMEIs whose data changed.
    /// </summary>
    private const string MergeObservation = "ON CONFLICT (imei, imsi_hash, msisdn_hash, operator, month) DO UPDATE SET days = observations.days | excluded.days, rats = observations.rats | excluded.rats, import_id = excluded.import_id WHERE (observations.days | excluded.days) <> observations.days OR (observations.rats | excluded.rats) <> observations.rats";

    /// <summary>An operator id as lists and file names carry it: 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
    public static bool IsOperatorId(string id) => OperatorPattern().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]
    private static partial Regex OperatorPattern();

    /// <summary>The keyed hash of personal data, under this database's secret (created by <c>db init</c>; it never leaves the database).</summary>
    public async Task<SubscriberHasher> HasherAsync(CancellationToken cancellationToken) =>
        new(Convert.FromBase64String(await RequireMetaAsync("hmac_secret", cancellationToken).ConfigureAwait(false)));

    /// <summary>
    /// Adds an operator's observations, in one transaction: refused whole past the refused-lines
    /// threshold unless forced; otherwise each triplet is merged into the one held (days and
    /// generations OR-ed in, so importing a file twice changes nothing), the import recorded,
    /// and a log leaf appended with the triplets' hash and the counts. Only hashes of IMSIs and
    /// MSISDNs reach the database.
    /// </summary>
    /// <exception cref="ArgumentException">The operator id is not one <see cref="IsOperatorId"/> accepts.</exception>
    /// <exception cref="ImportRefusedException">Too many lines were refused and the import was not forced.</exception>
    public async Task<ObservationImportResult> ImportObservationsAsync(string operatorId, ParsedObservations parsed, ImportPolicy policy, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (!IsOperatorId(operatorId))
        {
            throw new ArgumentException($"'{TerminalText.Printable(operatorId)}' is not an operator id: 1 to 32 letters, digits, '.', '_' or '-', starting with a letter or digit", nameof(operatorId));
        }

        var forced = false;
        if (parsed.RejectedShare > policy.MaxRejectedShare)
        {
            if (!policy.Force)
            {
                throw new ImportRefusedException($"the import of {parsed.Source} is refused whole and nothing changed: {parsed.Rejected.Count} of {parsed.Lines} lines ({parsed.RejectedShare:P1}) are refused, above the {policy.MaxRejectedShare:P0} threshold; give --force to import it anyway (the log records that it was forced)");
            }

            forced = true;
        }

        // The content hash is computed on another core while the rows load.
        var hashing = Task.Run(parsed.ContentHash, cancellationToken);
        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var before = await CountAsync("observations", tx, cancellationToken).ConfigureAwait(false);
        var source = $"operator {operatorId}: {parsed.Source}";
        var imported = Now();
        var id = Convert.ToInt64(await ScalarAsync(
            "INSERT INTO imports (list, source, imported, rows_ok, rows_rejected, rows_before, content_sha256, forced) VALUES ('observations', @s, @i, @ok, @bad, @before, @h, @f) RETURNING id",
            cancellationToken, tx, ("s", source), ("i", imported), ("ok", (long)parsed.Triplets.Count), ("bad", (long)parsed.Rejected.Count), ("before", before), ("h", string.Empty), ("f", forced ? 1 : 0)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        // Rows are made as they are loaded, not held: ten million at once would cost gigabytes.
        var rows = parsed.Triplets.Select(t => new object?[] { t.Imei, SubscriberHasher.Bytes(t.Imsi), SubscriberHasher.Bytes(t.Msisdn), operatorId, t.Month, (int)t.Days, (int)t.Rats, id });
        var months = parsed.Triplets.Select(t => t.Month).Distinct().ToArray();
        var overlap = Engine == Engine.Postgres && months.Length > 0 && Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM (SELECT 1 FROM observations WHERE operator = @o AND month IN ({string.Join(", ", months)}) LIMIT 1) x", cancellationToken, tx, ("o", operatorId)).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
        await MergeAsync("observations", ObservationColumns, rows, MergeObservation, tx, progress, cancellationToken, straight: !overlap).ConfigureAwait(false);
        await MergeAsync("observation_places", ["imei", "day", "place", "operator"], parsed.Places.Select(p => new object?[] { p.Imei, p.Day, p.Place, operatorId }), "ON CONFLICT DO NOTHING", tx, null, cancellationToken).ConfigureAwait(false);
        var after = await CountAsync("observations", tx, cancellationToken).ConfigureAwait(false);
        var content = await hashing.ConfigureAwait(false);
        await ExecuteAsync("UPDATE imports SET content_sha256 = @h WHERE id = @id", cancellationToken, tx, ("h", content), ("id", id)).ConfigureAwait(false);
        var leaf = await AppendLeafAsync("import", id.ToString(CultureInfo.InvariantCulture), ImportEntry(id, "observations", source, imported, parsed.Triplets.Count, parsed.Rejected.Count, before, content, forced), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        if (Engine == Engine.Postgres)
        {
            // Fresh statistics, and the visibility map that lets the duplicate count read the key index alone.
            await ExecuteAsync("VACUUM (ANALYZE) observations", cancellationToken).ConfigureAwait(false);
        }

        return new ObservationImportResult(operatorId, parsed.Source, parsed.Lines, parsed.Triplets.Count, parsed.Rejected, before, after, content, forced, leaf);
    }

    /// <summary>
    /// Replaces the pairing list (DIRBS's: an IMEI paired with the subscriber allowed to keep
    /// using it, the source of the exception lists) from a CSV <c>imei,imsi</c>, the IMSI hashed
    /// as observations hash it. Same thresholds and log as the other lists.
    /// </summary>
    /// <exception cref="FormatException">The header lacks a column.</exception>
    /// <exception cref="ImportRefusedException">A threshold was passed and the import was not forced.</exception>
    public async Task<ImportResult> ImportPairingsAsync(string path, ImportPolicy policy, CancellationToken cancellationToken)
    {
        using var hasher = await HasherAsync(cancellationToken).ConfigureAwait(false);
        var pairs = new SortedSet<(string Imei, UInt128 Imsi)>();
        var rejected = new List<RejectedLine>();
        long lines = 0;
        using (var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true }).FromFile(path))
        {
            var names = reader.Header.ColNames.Select(n => n.Trim().ToLowerInvariant()).ToList();
            if (!names.Contains("imei") || !names.Contains("imsi"))
            {
                throw new FormatException($"{Path.GetFileName(path)} has no imei or imsi column; a pairing list has the header imei,imsi");
            }

            int imeiAt = names.IndexOf("imei"), imsiAt = names.IndexOf("imsi");
            foreach (var row in reader)
            {
                lines++;
                var imei = row.ColCount == names.Count ? ListParsers.Key(row[imeiAt].ToString()) : null;
                var imsi = row.ColCount == names.Count ? row[imsiAt].Span : default;
                if (imei is null || imsi.Length is < 6 or > 15 || imsi.ContainsAnyExceptInRange('0', '9'))
                {
                    rejected.Add(new RejectedLine(row.LineNumberFrom, row.ColCount != names.Count ? $"{row.ColCount} columns, the header has {names.Count}" : imei is null ? "the IMEI is not 14 to 16 digits" : "the IMSI is not 6 to 15 digits"));
                    continue;
                }

                pairs.Add((imei, hasher.Hash("imsi", imsi)));
            }
        }

        var parsed = new ParsedList(ListKind.Pairing, Path.GetFileName(path), pairs.Select(p => new string?[] { p.Imei, SubscriberHasher.Hex(p.Imsi) }).ToList(), rejected, lines);
        return await ImportAsync(parsed, policy, null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<long> CountAsync(string table, DbTransaction? tx, CancellationToken cancellationToken) =>
        Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM {table}", cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <summary>
    /// Inserts rows with a conflict clause: on SQLite one prepared statement bound by position;
    /// on PostgreSQL a binary COPY into a temporary table, then one INSERT ... SELECT with the clause.
    /// </summary>
    private async Task MergeAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, string conflict, DbTransaction tx, IProgress<long>? progress, CancellationToken cancellationToken, bool straight = false)
    {
        if (Connection is not NpgsqlConnection pg)
        {
            await SqliteBulkInsertAsync(table, columns, rows, tx, progress, cancellationToken, conflict).ConfigureAwait(false);
            return;
        }

        // Nothing held can conflict (an operator's first data for these months, the bulk case): a straight COPY.
        if (straight)
        {
            await CopyAsync(pg, table, columns, rows, progress, cancellationToken).ConfigureAwait(false);
            return;
        }

        var stage = $"stage_{table}";
        await ExecuteAsync($"CREATE TEMP TABLE IF NOT EXISTS {stage} (LIKE {table}) ON COMMIT DELETE ROWS", cancellationToken, tx).ConfigureAwait(false);
        await CopyAsync(pg, stage, columns, rows, progress, cancellationToken).ConfigureAwait(false);
        var list = string.Join(", ", columns);
        await ExecuteAsync($"INSERT INTO {table} ({list}) SELECT {list} FROM {stage} {conflict}", cancellationToken, tx).ConfigureAwait(false);
        await ExecuteAsync($"TRUNCATE {stage}", cancellationToken, tx).ConfigureAwait(false);
    }

    /// <summary>A binary COPY of rows of text, bytes, 32- and 64-bit integers and nulls.</summary>
    internal static async Task CopyAsync(NpgsqlConnection pg, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        await using var copy = await pg.BeginBinaryImportAsync($"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        var i = -1;
        foreach (var row in rows)
        {
            i++;
            await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
            foreach (var value in row)
            {
                switch (value)
                {
                    case null:
                        await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                        break;
                    case string text:
                        await copy.WriteAsync(text, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                        break;
                    case byte[] bytes:
                        await copy.WriteAsync(bytes, NpgsqlDbType.Bytea, cancellationToken).ConfigureAwait(false);
                        break;
                    case int number:
                        await copy.WriteAsync(number, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                        break;
                    case long number:
                        await copy.WriteAsync(number, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        throw new ArgumentException($"no COPY binding for {value.GetType().Name}", nameof(rows));
                }
            }

            if ((i + 1) % 100_000 == 0)
            {
                progress?.Report(i + 1);
            }
        }

        await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
    }
}
