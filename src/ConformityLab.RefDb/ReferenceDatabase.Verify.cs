using System.Globalization;
using ConformityLab.Records;
using ConformityLab.RefDb.Log;

namespace ConformityLab.RefDb;

/// <summary>One thing <c>db verify</c> found changed behind the log's back.</summary>
/// <param name="Table">The table.</param>
/// <param name="Key">The row's key, or what part of the log.</param>
/// <param name="Problem">What does not match.</param>
public sealed record VerifyProblem(string Table, string Key, string Problem)
{
    /// <inheritdoc />
    public override string ToString() => $"{Table} [{Key}]: {Problem}";
}

/// <summary>What <c>db verify</c> checked and found.</summary>
public sealed record VerifyReport(long Leaves, long? CheckpointSize, IReadOnlyList<VerifyProblem> Problems)
{
    /// <summary>Nothing changed behind the log's back.</summary>
    public bool Ok => Problems.Count == 0;
}

public sealed partial class ReferenceDatabase
{
    /// <summary>
    /// Recomputes every leaf from the rows and the tree from the leaves, checks the newest
    /// checkpoint's signature and root, and names every row changed, added or removed behind the
    /// log's back (by table and key). The lists are checked by their content hash against their
    /// newest import: a changed list is named, not its row.
    /// </summary>
    public async Task<VerifyReport> VerifyAsync(CancellationToken cancellationToken)
    {
        var problems = new List<VerifyProblem>();
        var leaves = await RowsAsync("SELECT idx, kind, ref, entry FROM log_leaves ORDER BY idx", cancellationToken).ConfigureAwait(false);
        var nodes = (await RowsAsync("SELECT level, idx, hash FROM log_nodes", cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => (Convert.ToInt32(r[0], CultureInfo.InvariantCulture), Convert.ToInt64(r[1], CultureInfo.InvariantCulture)), r => (byte[])r[2]!);

        // The tree, from the leaves.
        var frontier = new MerkleFrontier();
        var expected = new HashSet<(int, long)>();
        for (var i = 0; i < leaves.Count; i++)
        {
            var index = Convert.ToInt64(leaves[i][0], CultureInfo.InvariantCulture);
            if (index != i)
            {
                problems.Add(new VerifyProblem("log_leaves", $"leaf {i}", $"the leaves jump from {i - 1} to {index}: leaves were removed"));
                break;
            }

            foreach (var (level, idx, hash) in frontier.Append(MerkleTree.LeafHash((byte[])leaves[i][3]!)))
            {
                expected.Add((level, idx));
                if (!nodes.TryGetValue((level, idx), out var stored))
                {
                    problems.Add(new VerifyProblem("log_nodes", $"level {level}, index {idx}", "missing"));
                }
                else if (!stored.AsSpan().SequenceEqual(hash))
                {
                    problems.Add(new VerifyProblem(level == 0 ? "log_leaves" : "log_nodes", level == 0 ? $"leaf {idx}" : $"level {level}, index {idx}", level == 0 ? "the entry does not hash to its stored leaf hash: the entry was changed" : "the stored hash differs from the tree recomputed from the leaves"));
                }
            }
        }

        foreach (var extra in nodes.Keys.Where(k => !expected.Contains(k)).Take(10))
        {
            problems.Add(new VerifyProblem("log_nodes", $"level {extra.Item1}, index {extra.Item2}", "a node no leaf accounts for was added"));
        }

        // The newest checkpoint: signed by the log key, and the root of its size.
        long? checkpointSize = null;
        var checkpoint = (await RowsAsync("SELECT size, root, note FROM checkpoints ORDER BY size DESC LIMIT 1", cancellationToken).ConfigureAwait(false)).FirstOrDefault();
        if (checkpoint is not null && await MetaAsync("db_id", cancellationToken).ConfigureAwait(false) is not null)
        {
            var size = Convert.ToInt64(checkpoint[0], CultureInfo.InvariantCulture);
            checkpointSize = size;
            var origin = await OriginAsync(cancellationToken).ConfigureAwait(false);
            if (!SignedNote.Verify((string)checkpoint[2]!, origin, await LogPublicKeyAsync(cancellationToken).ConfigureAwait(false), out var text) || text != $"{origin}\n{size}\n{Convert.ToBase64String((byte[])checkpoint[1]!)}\n")
            {
                problems.Add(new VerifyProblem("checkpoints", $"size {size}", "the checkpoint's signature or text does not match"));
            }
            else if (size > leaves.Count)
            {
                problems.Add(new VerifyProblem("checkpoints", $"size {size}", $"the log has only {leaves.Count} leaves: it shrank"));
            }
            else if (problems.Count == 0 && !(await RootAsync(size, cancellationToken).ConfigureAwait(false)).AsSpan().SequenceEqual((byte[])checkpoint[1]!))
            {
                problems.Add(new VerifyProblem("checkpoints", $"size {size}", "the tree's root at this size is not the one signed: the log was rewritten"));
            }
        }

        var logged = leaves.GroupBy(l => ((string)l[1]!, (string)l[2]!)).ToDictionary(g => g.Key, g => (byte[])g.Last()[3]!);

        // Records, labs and imports: each row is its newest leaf.
        var recordRows = await RowsAsync("SELECT record_id, report_id, lab, status, amends, conformity, tac, manufacturer, model, issued, canonical_sha256, envelope FROM records", cancellationToken).ConfigureAwait(false);
        foreach (var r in recordRows)
        {
            var row = new StoredRecord((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, r[4] as string, (string)r[5]!, r[6] as string, r[7] as string, r[8] as string, (string)r[9]!, (string)r[10]!);
            Compare(problems, logged, "records", "record", row.RecordId, RecordEntry(row));
            try
            {
                var file = RecordFile.Parse((string)r[11]!);
                if (Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(file.Canonical)) != row.CanonicalSha256)
                {
                    problems.Add(new VerifyProblem("records", row.RecordId, "the stored envelope is not the record that was ingested"));
                }
            }
            catch (FormatException)
            {
                problems.Add(new VerifyProblem("records", row.RecordId, "the stored envelope is no longer a record"));
            }
        }

        var recordIds = recordRows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        var imeiRows = await RowsAsync("SELECT imei, record_id FROM record_imeis", cancellationToken).ConfigureAwait(false);
        foreach (var r in imeiRows.Where(r => !recordIds.Contains((string)r[1]!)))
        {
            problems.Add(new VerifyProblem("record_imeis", $"{r[0]} {r[1]}", "an IMEI of a record that is not stored was added"));
        }

        var labs = await LabsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var lab in labs)
        {
            Compare(problems, logged, "labs", "lab", lab.Name, LabEntry(lab));
        }

        var importRows = await RowsAsync("SELECT id, list, source, imported, rows_ok, rows_rejected, rows_before, content_sha256, forced FROM imports ORDER BY id", cancellationToken).ConfigureAwait(false);
        foreach (var r in importRows)
        {
            var id = Convert.ToInt64(r[0], CultureInfo.InvariantCulture);
            Compare(problems, logged, "imports", "import", id.ToString(CultureInfo.InvariantCulture), ImportEntry(id, (string)r[1]!, (string)r[2]!, (string)r[3]!, Convert.ToInt64(r[4], CultureInfo.InvariantCulture), Convert.ToInt64(r[5], CultureInfo.InvariantCulture), Convert.ToInt64(r[6], CultureInfo.InvariantCulture), (string)r[7]!, Convert.ToInt32(r[8], CultureInfo.InvariantCulture) != 0));
        }

        // The network side: classification runs, list generations (their manifests, with every file's hash) and audits.
        var networkRows = new List<(string Kind, string Key)>();
        foreach (var r in await RowsAsync("SELECT id, created, as_of, conditions_sha256, inputs, scope, watermark, summary FROM classify_runs", cancellationToken).ConfigureAwait(false))
        {
            var id = Convert.ToInt64(r[0], CultureInfo.InvariantCulture);
            networkRows.Add(("classify", id.ToString(CultureInfo.InvariantCulture)));
            Compare(problems, logged, "classify_runs", "classify", id.ToString(CultureInfo.InvariantCulture), ClassifyEntry(id, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string)r[4]!, (string)r[5]!, Convert.ToInt64(r[6], CultureInfo.InvariantCulture), (string)r[7]!));
        }

        foreach (var r in await RowsAsync("SELECT id, manifest FROM list_generations", cancellationToken).ConfigureAwait(false))
        {
            var id = Convert.ToString(r[0], CultureInfo.InvariantCulture)!;
            networkRows.Add(("lists", id));
            Compare(problems, logged, "list_generations", "lists", id, ListsEntry((string)r[1]!));
        }

        foreach (var r in await RowsAsync("SELECT id, created, operator, generation, source, source_sha256, report_sha256, csv_sha256, summary FROM audits", cancellationToken).ConfigureAwait(false))
        {
            var id = Convert.ToInt64(r[0], CultureInfo.InvariantCulture);
            networkRows.Add(("audit", id.ToString(CultureInfo.InvariantCulture)));
            Compare(problems, logged, "audits", "audit", id.ToString(CultureInfo.InvariantCulture), AuditEntry(id, (string)r[1]!, (string)r[2]!, Convert.ToInt64(r[3], CultureInfo.InvariantCulture), (string)r[4]!, (string)r[5]!, (string)r[6]!, (string)r[7]!, (string)r[8]!));
        }

        var present = new HashSet<(string, string)>(recordRows.Select(r => ("record", (string)r[0]!)).Concat(labs.Select(l => ("lab", l.Name))).Concat(importRows.Select(r => ("import", Convert.ToString(r[0], CultureInfo.InvariantCulture)!))).Concat(networkRows));
        foreach (var gone in logged.Keys.Where(k => !present.Contains(k)))
        {
            problems.Add(new VerifyProblem(gone.Item1 switch { "record" => "records", "lab" => "labs", "classify" => "classify_runs", "lists" => "list_generations", "audit" => "audits", _ => "imports" }, gone.Item2, "the log has it, and the row was removed behind the log's back"));
        }

        // The lists: their content is the content their newest import logged.
        foreach (var kind in ListKind.All.Append(ListKind.Pairing))
        {
            var last = importRows.LastOrDefault(r => (string)r[1]! == kind.Name);
            var rows = new List<string?[]>();
            await foreach (var row in ListRowsAsync(kind, cancellationToken).ConfigureAwait(false))
            {
                rows.Add(row);
            }

            if (last is null)
            {
                if (rows.Count > 0)
                {
                    problems.Add(new VerifyProblem(kind.Table, "the list", $"{rows.Count} rows, and no import logged them: they were added behind the log's back"));
                }

                continue;
            }

            var logged_ = Convert.ToInt64(last[4], CultureInfo.InvariantCulture);
            if (ParsedList.ContentHash(rows) != (string)last[7]!)
            {
                problems.Add(new VerifyProblem(kind.Table, $"import {last[0]}", rows.Count == logged_
                    ? $"a row was changed behind the log's back ({rows.Count} rows, as logged, but their content differs)"
                    : $"{rows.Count} rows, and import {last[0]} logged {logged_}: rows were {(rows.Count > logged_ ? "added" : "removed")} behind the log's back"));
            }
        }

        return new VerifyReport(leaves.Count, checkpointSize, problems);
    }

    private static void Compare(List<VerifyProblem> problems, Dictionary<(string, string), byte[]> logged, string table, string kind, string key, byte[] entry)
    {
        if (!logged.TryGetValue((kind, key), out var leaf))
        {
            problems.Add(new VerifyProblem(table, key, "the row is not in the log: it was added behind the log's back"));
        }
        else if (!leaf.AsSpan().SequenceEqual(entry))
        {
            problems.Add(new VerifyProblem(table, key, "the row is not what the log recorded: it was changed behind the log's back"));
        }
    }
}
