using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConformityLab.RefDb;

/// <summary>When an import is refused whole (DIRBS's safety thresholds).</summary>
/// <param name="MaxRejectedShare">The largest share of refused lines (default 5%).</param>
/// <param name="MaxShrinkShare">The largest share by which the list may shrink (default 10%).</param>
/// <param name="Force">Import even past the thresholds (the log records that it was forced).</param>
public sealed record ImportPolicy(double MaxRejectedShare = 0.05, double MaxShrinkShare = 0.10, bool Force = false);

/// <summary>What an import did.</summary>
public sealed record ImportResult(string List, string Source, long Accepted, IReadOnlyList<RejectedLine> Rejected, long Before, string ContentSha256, bool Forced, long LeafIndex);

/// <summary>An import refused whole; nothing was changed.</summary>
public sealed class ImportRefusedException(string message) : Exception(message);

public sealed partial class ReferenceDatabase
{
    /// <summary>
    /// Replaces a list with the rows of a file, in one transaction: refused whole (nothing changed)
    /// past the policy's thresholds unless forced; otherwise the old rows are deleted, the new ones
    /// bulk-loaded in key order, the import recorded, and a log leaf appended with its content hash
    /// and counts. A crash or kill before the commit leaves the database as it was.
    /// </summary>
    /// <exception cref="ImportRefusedException">A threshold was passed and the import was not forced.</exception>
    public async Task<ImportResult> ImportAsync(ParsedList parsed, ImportPolicy policy, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var kind = parsed.Kind;
        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var before = Convert.ToInt64(await ScalarAsync($"SELECT COUNT(*) FROM {kind.Table}", cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var refusals = new List<string>();
        if (parsed.RejectedShare > policy.MaxRejectedShare)
        {
            refusals.Add($"{parsed.Rejected.Count} of {parsed.Lines} lines ({parsed.RejectedShare:P1}) are refused, above the {policy.MaxRejectedShare:P0} threshold");
        }

        var shrink = before == 0 ? 0 : (double)(before - parsed.Rows.Count) / before;
        if (shrink > policy.MaxShrinkShare)
        {
            refusals.Add($"the {kind.Name} list would shrink from {before} to {parsed.Rows.Count} rows ({shrink:P1}), above the {policy.MaxShrinkShare:P0} threshold");
        }

        if (refusals.Count > 0 && !policy.Force)
        {
            throw new ImportRefusedException($"the import of {parsed.Source} is refused whole and nothing changed: {string.Join("; ", refusals)}; give --force to import it anyway (the log records that it was forced)");
        }

        // The content hash is computed on another core while the rows load.
        var hashing = Task.Run(() => ParsedList.ContentHash(parsed.Rows), cancellationToken);
        await ExecuteAsync($"DELETE FROM {kind.Table}", cancellationToken, tx).ConfigureAwait(false);
        await BulkLoadAsync(kind, parsed.Rows, tx, progress, cancellationToken).ConfigureAwait(false);
        var content = await hashing.ConfigureAwait(false);
        var imported = Now();
        var forced = refusals.Count > 0;
        var id = Convert.ToInt64(await ScalarAsync(
            "INSERT INTO imports (list, source, imported, rows_ok, rows_rejected, rows_before, content_sha256, forced) VALUES (@l, @s, @i, @ok, @bad, @before, @h, @f) RETURNING id",
            cancellationToken, tx, ("l", kind.Name), ("s", parsed.Source), ("i", imported), ("ok", (long)parsed.Rows.Count), ("bad", (long)parsed.Rejected.Count), ("before", before), ("h", content), ("f", forced ? 1 : 0)).ConfigureAwait(false), CultureInfo.InvariantCulture);
        var leaf = await AppendLeafAsync("import", id.ToString(CultureInfo.InvariantCulture), ImportEntry(id, kind.Name, parsed.Source, imported, parsed.Rows.Count, parsed.Rejected.Count, before, content, forced), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new ImportResult(kind.Name, parsed.Source, parsed.Rows.Count, parsed.Rejected, before, content, forced, leaf);
    }

    /// <summary>A list's rows in key order, as stored (for its content hash).</summary>
    internal async IAsyncEnumerable<string?[]> ListRowsAsync(ListKind kind, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var command = Command($"SELECT {string.Join(", ", kind.Columns)} FROM {kind.Table} ORDER BY {Ordinal(kind.Columns[0])}{(kind == ListKind.Pairing ? ", " + Ordinal(kind.Columns[1]) : string.Empty)}", null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new string?[kind.Columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetString(i);
            }

            yield return row;
        }
    }

    internal static byte[] ImportEntry(long id, string list, string source, string imported, long rows, long rejected, long before, string content, bool forced) =>
        Entry(new { Kind = "import", ImportId = id, List = list, Source = source, Imported = imported, Rows = rows, Rejected = rejected, Before = before, ContentSha256 = content, Forced = forced });

    private async Task BulkLoadAsync(ListKind kind, IReadOnlyList<object?[]> rows, DbTransaction tx, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (Connection is NpgsqlConnection pg)
        {
            // Binary COPY: the fastest way into PostgreSQL.
            await using var copy = await pg.BeginBinaryImportAsync($"COPY {kind.Table} ({string.Join(", ", kind.Columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < rows.Count; i++)
            {
                await copy.StartRowAsync(cancellationToken).ConfigureAwait(false);
                foreach (var value in rows[i])
                {
                    if (value is string text)
                    {
                        await copy.WriteAsync(text, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await copy.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                Report(i, progress);
            }

            await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await SqliteBulkInsertAsync(kind.Table, kind.Columns, rows, tx, progress, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// SQLite's bulk path: one prepared single-row INSERT, bound by position through SQLite's own
    /// API (SQLitePCLRaw, under Microsoft.Data.Sqlite) and reused for every row, in key order (the
    /// B-tree grows at its end), inside the caller's transaction. Microsoft.Data.Sqlite's command
    /// binds each parameter by name on every execution, which cost three quarters of the load.
    /// </summary>
    /// <remarks>With a <c>conflict</c> clause (what follows the VALUES: <c>ON CONFLICT ...</c>), the same path upserts.</remarks>
    internal Task SqliteBulkInsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, DbTransaction tx, IProgress<long>? progress, CancellationToken cancellationToken, string conflict = "")
    {
        _ = tx; // the statement runs on the connection, inside the transaction the caller began
        var handle = ((SqliteConnection)Connection).Handle!;
        var sql = $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(_ => "?"))}) {conflict}";
        SqliteCheck(handle, SQLitePCL.raw.sqlite3_prepare_v2(handle, sql, out var statement));
        var utf8 = new byte[256];
        using (statement)
        {
            var i = -1;
            foreach (var row in rows)
            {
                i++;
                for (var c = 0; c < columns.Count; c++)
                {
                    SqliteCheck(handle, row[c] switch
                    {
                        null => SQLitePCL.raw.sqlite3_bind_null(statement, c + 1),
                        string text => SQLitePCL.raw.sqlite3_bind_text(statement, c + 1, Utf8(text, ref utf8)),
                        byte[] blob => SQLitePCL.raw.sqlite3_bind_blob(statement, c + 1, blob),
                        long number => SQLitePCL.raw.sqlite3_bind_int64(statement, c + 1, number),
                        int number => SQLitePCL.raw.sqlite3_bind_int64(statement, c + 1, number),
                        var other => throw new ArgumentException($"no SQLite binding for {other.GetType().Name}", nameof(rows)),
                    });
                }

                var step = SQLitePCL.raw.sqlite3_step(statement);
                if (step != SQLitePCL.raw.SQLITE_DONE)
                {
                    SqliteCheck(handle, step);
                }

                SQLitePCL.raw.sqlite3_reset(statement);
                if ((i + 1) % 100_000 == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    progress?.Report(i + 1);
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A string's UTF-8 bytes in a reused buffer (SQLite copies them on binding), so no row allocates.</summary>
    private static ReadOnlySpan<byte> Utf8(string text, ref byte[] buffer)
    {
        if (System.Text.Encoding.UTF8.GetMaxByteCount(text.Length) > buffer.Length)
        {
            buffer = new byte[System.Text.Encoding.UTF8.GetMaxByteCount(text.Length)];
        }

        return buffer.AsSpan(0, System.Text.Encoding.UTF8.GetBytes(text, buffer));
    }

    private static void Report(int i, IProgress<long>? progress)
    {
        if ((i + 1) % 100_000 == 0)
        {
            progress?.Report(i + 1);
        }
    }
}
