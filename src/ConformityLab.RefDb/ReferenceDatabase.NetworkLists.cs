using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using nietras.SeparatedValues;

namespace ConformityLab.RefDb;

/// <summary>How lists treat a device nothing condemns (ITU-T Q Suppl. 73).</summary>
public enum ListPolicy
{
    /// <summary>A device that matches a blocking condition is notified, then blocked when its grace period ends; any other may attach.</summary>
    Permissive,

    /// <summary>Only registered devices, or devices of a certified model, may attach: any other observed device is blocked at once, as is one matching a blocking condition.</summary>
    Restrictive,
}

/// <summary>One list file of a generation, with its delta against the previous one.</summary>
/// <param name="Name">The list (<c>block</c>, <c>notification:OP</c>, <c>exception:OP</c>).</param>
/// <param name="File">Its CSV.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="Sha256">The CSV's SHA-256.</param>
/// <param name="DeltaFile">Its delta's CSV.</param>
/// <param name="Added">Rows added since the previous generation.</param>
/// <param name="Removed">Rows removed.</param>
/// <param name="Changed">Rows whose block date or reasons changed.</param>
/// <param name="DeltaSha256">The delta CSV's SHA-256.</param>
public sealed record GeneratedList(string Name, string File, long Rows, string Sha256, string DeltaFile, long Added, long Removed, long Changed, string DeltaSha256);

/// <summary>A generation of lists: what <c>db lists generate</c> wrote, as its manifest (and the log) records it.</summary>
public sealed record ListGeneration(long Generation, long? Previous, string Created, string AsOf, string Policy, long ClassifyRun, string Folder, IReadOnlyList<GeneratedList> Lists, long LeafIndex);

/// <summary>One finding of an EIR audit.</summary>
/// <param name="Kind"><c>lacks</c> (listed, the EIR does not block it) or <c>extra</c> (the EIR blocks it, unlisted).</param>
/// <param name="Imei">The IMEI (14 digits).</param>
/// <param name="Generation">For lacks: the generation that listed it; for extra: the one that removed it, or null when never listed.</param>
/// <param name="Detail">One line.</param>
public sealed record AuditFinding(string Kind, string Imei, long? Generation, string Detail);

/// <summary>What <c>db audit</c> found (Q.5053): the EIR list against a generation's block list.</summary>
public sealed record AuditReport(long Audit, string Operator, string Source, string SourceSha256, long Generation, long Expected, long Held, IReadOnlyList<RejectedLine> Rejected, IReadOnlyList<AuditFinding> Findings, long? BestMatchGeneration, long BestMatchDifferences, string ReportFile, string ReportSha256, string CsvFile, string CsvSha256, long LeafIndex)
{
    /// <summary>The EIR blocks exactly the generation's list.</summary>
    public bool Conforms => Findings.Count == 0;
}

public sealed partial class ReferenceDatabase
{
    private static readonly JsonSerializerOptions ManifestJson = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>
    /// Writes a new generation of lists from the newest classification, into
    /// <c>&lt;out&gt;/generation-NNNN/</c>: the block list, and per operator a notification list
    /// (IMEI, subscriber hash, block date, reasons: the subscribers seen with a device in its
    /// grace period in the last <paramref name="lookbackDays"/> days) and an exception list
    /// (IMEI, subscriber hash: blocked devices paired with that subscriber), each CSV with a delta
    /// against the previous generation (added, removed, changed), and a manifest of every file's
    /// SHA-256. The manifest is appended to the log in the same transaction that records the
    /// generation, so an operator can prove which list it was given.
    /// </summary>
    /// <exception cref="RefDbException">No classification has run.</exception>
    public async Task<ListGeneration> GenerateListsAsync(string outDirectory, ListPolicy policy, int lookbackDays, CancellationToken cancellationToken)
    {
        var runRow = (await RowsAsync("SELECT id, as_of FROM classify_runs ORDER BY id DESC LIMIT 1", cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new RefDbException("no classification has run: run 'conformitylab db classify --conditions <file>' first");
        var run = Convert.ToInt64(runRow[0], CultureInfo.InvariantCulture);
        var asOfText = (string)runRow[1]!;
        var asOf = DateOnly.ParseExact(asOfText, "yyyy-MM-dd", CultureInfo.InvariantCulture);

        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);

        // Per IMEI: the blocking conditions it matches, its earliest block date, their reasons.
        var matched = new Dictionary<string, (string Block, SortedSet<string> Reasons, string Since)>(StringComparer.Ordinal);
        foreach (var r in await RowsAsync("SELECT imei, block_date, reason, since FROM classification WHERE blocking = 1", cancellationToken, tx).ConfigureAwait(false))
        {
            var imei = (string)r[0]!;
            var entry = matched.TryGetValue(imei, out var e) ? e : (Block: (string)r[1]!, Reasons: new SortedSet<string>(StringComparer.Ordinal), Since: (string)r[3]!);
            entry.Reasons.Add((string)r[2]!);
            matched[imei] = (string.CompareOrdinal((string)r[1]!, entry.Block) < 0 ? (string)r[1]! : entry.Block, entry.Reasons, string.CompareOrdinal((string)r[3]!, entry.Since) < 0 ? (string)r[3]! : entry.Since);
        }

        var block = new Dictionary<string, (string Block, string Reasons)>(StringComparer.Ordinal);
        var notify = new Dictionary<string, (string Block, string Reasons)>(StringComparer.Ordinal);
        foreach (var (imei, m) in matched)
        {
            var reasons = string.Join("|", m.Reasons);
            if (policy == ListPolicy.Restrictive)
            {
                block[imei] = (m.Since, reasons);
            }
            else if (string.CompareOrdinal(m.Block, asOfText) <= 0)
            {
                block[imei] = (m.Block, reasons);
            }
            else
            {
                notify[imei] = (m.Block, reasons);
            }
        }

        if (policy == ListPolicy.Restrictive)
        {
            const string Unapproved = "neither registered nor of a certified model (restrictive policy)";
            foreach (var r in await RowsAsync("SELECT DISTINCT o.imei FROM observations o WHERE NOT EXISTS (SELECT 1 FROM registration g WHERE g.imei = o.imei) AND NOT EXISTS (SELECT 1 FROM certified_models c WHERE c.tac = substr(o.imei, 1, 8) AND c.conformity = 'conforms')", cancellationToken, tx).ConfigureAwait(false))
            {
                var imei = (string)r[0]!;
                block[imei] = block.TryGetValue(imei, out var b) ? (b.Block, b.Reasons + "|" + Unapproved) : (asOfText, Unapproved);
            }
        }

        // The subscribers of the listed devices, per operator, in the look-back window; and the pairings.
        var paired = (await RowsAsync("SELECT imei, imsi_hash FROM pairings", cancellationToken, tx).ConfigureAwait(false)).Select(r => ((string)r[0]!, (string)r[1]!)).ToHashSet();
        var lists = new SortedDictionary<string, SortedDictionary<(string Imei, string Subscriber), (string Block, string Reasons)>>(StringComparer.Ordinal)
        {
            ["block"] = new(block.ToDictionary(p => (p.Key, string.Empty), p => p.Value)),
        };
        foreach (var op in (await RowsAsync("SELECT DISTINCT operator FROM observations", cancellationToken, tx).ConfigureAwait(false)).Select(r => (string)r[0]!))
        {
            lists[$"notification:{op}"] = [];
            lists[$"exception:{op}"] = [];
        }

        // Notified: the subscribers seen with a device in its grace period lately, but its paired owner.
        foreach (var row in await WindowRowsAsync(notify.Keys, DayWindow.Ending(asOf, lookbackDays), tx, cancellationToken).ConfigureAwait(false))
        {
            var subscriber = SubscriberHasher.Hex(row.Imsi);
            if (!paired.Contains((row.Imei, subscriber)))
            {
                var n = notify[row.Imei];
                lists[$"notification:{row.Operator}"][(row.Imei, subscriber)] = (n.Block, n.Reasons);
            }
        }

        // Excepted: a blocked device's paired owner, on every operator it was ever seen on with it.
        var blockedPaired = paired.Where(p => block.ContainsKey(p.Item1)).Select(p => p.Item1).ToList();
        await TempKeysAsync("picked", blockedPaired, tx, cancellationToken).ConfigureAwait(false);
        foreach (var r in await RowsAsync("SELECT DISTINCT o.imei, o.imsi_hash, o.operator FROM picked p JOIN observations o ON o.imei = p.imei", cancellationToken, tx).ConfigureAwait(false))
        {
            var (imei, subscriber) = ((string)r[0]!, SubscriberHasher.Hex(System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian((byte[])r[1]!)));
            if (paired.Contains((imei, subscriber)))
            {
                lists[$"exception:{(string)r[2]!}"][(imei, subscriber)] = block[imei];
            }
        }

        // The previous generation's open entries, and this one's number.
        var previous = (await RowsAsync("SELECT list, imei, subscriber, block_date, reasons FROM list_entries WHERE removed IS NULL", cancellationToken, tx).ConfigureAwait(false))
            .GroupBy(r => (string)r[0]!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToDictionary(r => ((string)r[1]!, (string)r[2]!), r => ((string)r[3]!, (string)r[4]!)), StringComparer.Ordinal);
        var generation = Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(id), 0) + 1 FROM list_generations", cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);
        long? previousGeneration = generation > 1 ? generation - 1 : null;
        foreach (var name in previous.Keys.Where(k => !lists.ContainsKey(k)).ToList())
        {
            lists[name] = [];
        }

        var folder = Path.Combine(outDirectory, $"generation-{generation:D4}");
        var staging = folder + ".partial";
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true);
        }

        Directory.CreateDirectory(staging);
        var generated = new List<GeneratedList>();
        var adds = new List<object?[]>();
        try
        {
            foreach (var (name, entries) in lists)
            {
                var before = previous.GetValueOrDefault(name) ?? [];
                var file = FileName(name);
                var subscriberColumn = name != "block";
                var header = subscriberColumn ? "imei,subscriber,block_date,reasons" : "imei,block_date,reasons";
                var sha = WriteCsv(Path.Combine(staging, file + ".csv"), header, entries.Select(e => Row(e.Key, e.Value, subscriberColumn, null)));
                var delta = new List<string>();
                long added = 0, removed = 0, changed = 0;
                foreach (var (key, value) in entries)
                {
                    if (!before.TryGetValue(key, out var old))
                    {
                        added++;
                        delta.Add(Row(key, value, subscriberColumn, "added"));
                        adds.Add([name, key.Imei, key.Subscriber, value.Block, value.Reasons, generation]);
                    }
                    else if (old != value)
                    {
                        changed++;
                        delta.Add(Row(key, value, subscriberColumn, "changed"));
                        await CloseEntryAsync(name, key, generation, tx, cancellationToken).ConfigureAwait(false);
                        adds.Add([name, key.Imei, key.Subscriber, value.Block, value.Reasons, generation]);
                    }
                }

                foreach (var (key, value) in before.Where(b => !entries.ContainsKey(b.Key)).OrderBy(b => b.Key))
                {
                    removed++;
                    delta.Add(Row(key, value, subscriberColumn, "removed"));
                    await CloseEntryAsync(name, key, generation, tx, cancellationToken).ConfigureAwait(false);
                }

                var deltaSha = WriteCsv(Path.Combine(staging, file + "-delta.csv"), header + ",change", delta);
                generated.Add(new GeneratedList(name, file + ".csv", entries.Count, sha, file + "-delta.csv", added, removed, changed, deltaSha));
            }

            await MergeAsync("list_entries", ["list", "imei", "subscriber", "block_date", "reasons", "added"], adds, string.Empty, tx, null, cancellationToken).ConfigureAwait(false);
            var created = Now();
            var manifest = new { Generation = generation, Previous = previousGeneration, Created = created, AsOf = asOfText, Policy = policy.ToString().ToLowerInvariant(), ClassifyRun = run, Lists = generated };
            var manifestText = JsonSerializer.Serialize(manifest, ManifestJson);
            await System.IO.File.WriteAllTextAsync(Path.Combine(staging, "manifest.json"), manifestText + "\n", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync("INSERT INTO list_generations (id, created, as_of, policy, classify_run, manifest) VALUES (@id, @c, @a, @p, @r, @m)", cancellationToken, tx,
                ("id", generation), ("c", created), ("a", asOfText), ("p", manifest.Policy), ("r", run), ("m", manifestText)).ConfigureAwait(false);
            var leaf = await AppendLeafAsync("lists", generation.ToString(CultureInfo.InvariantCulture), ListsEntry(manifestText), tx, cancellationToken).ConfigureAwait(false);
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }

            Directory.Move(staging, folder);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new ListGeneration(generation, previousGeneration, created, asOfText, manifest.Policy, run, folder, generated, leaf);
        }
        catch
        {
            // Nothing half-written stays: neither the files nor the rows (the transaction rolls back).
            foreach (var dir in new[] { staging, folder })
            {
                if (Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
            }

            throw;
        }
    }

    internal static byte[] ListsEntry(string manifest) => Entry(new { Kind = "lists", Manifest = JsonSerializer.Deserialize<JsonElement>(manifest) });

    private Task<int> CloseEntryAsync(string list, (string Imei, string Subscriber) key, long generation, DbTransaction tx, CancellationToken cancellationToken) =>
        Prepared("UPDATE list_entries SET removed = @g WHERE list = @l AND imei = @i AND subscriber = @s AND removed IS NULL", tx, ("g", generation), ("l", list), ("i", key.Imei), ("s", key.Subscriber)).ExecuteNonQueryAsync(cancellationToken);

    /// <summary>A list's file name: <c>block-list</c>, <c>notifications-OP</c>, <c>exceptions-OP</c> (operator ids are checked at import to be safe in a name).</summary>
    private static string FileName(string list) => list == "block" ? "block-list" : list.StartsWith("notification:", StringComparison.Ordinal) ? "notifications-" + list["notification:".Length..] : "exceptions-" + list["exception:".Length..];

    private static string Row((string Imei, string Subscriber) key, (string Block, string Reasons) value, bool subscriber, string? change)
    {
        var fields = new List<string> { key.Imei };
        if (subscriber)
        {
            fields.Add(key.Subscriber);
        }

        fields.Add(value.Block);
        fields.Add(value.Reasons);
        if (change is not null)
        {
            fields.Add(change);
        }

        return string.Join(',', fields.Select(Csv));
    }

    /// <summary>A CSV field (RFC 4180), and never a formula a spreadsheet would run.</summary>
    internal static string Csv(string? value)
    {
        var v = TerminalText.NoFormula(value ?? string.Empty);
        return v.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + v.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : v;
    }

    /// <summary>Writes a CSV (header and lines, LF-terminated) and returns its SHA-256.</summary>
    private static string WriteCsv(string path, string header, IEnumerable<string> lines)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            void Write(string line)
            {
                var bytes = Encoding.UTF8.GetBytes(line + "\n");
                stream.Write(bytes);
                hash.AppendData(bytes);
            }

            Write(header);
            foreach (var line in lines)
            {
                Write(line);
            }

            stream.Flush(flushToDisk: true);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// Audits an operator's EIR block list against a generation's block list (Q.5053): what it
    /// lacks (and since which generation it should have held it), what it blocks beyond it (and
    /// whether that IMEI was removed at some generation, so the EIR is stale, or never listed),
    /// and which generation the EIR list matches best. The report is written as JSON and CSV into
    /// <paramref name="outDirectory"/>, and both hashes are appended to the log.
    /// </summary>
    /// <exception cref="RefDbException">No lists have been generated, or the generation is unknown.</exception>
    /// <exception cref="FormatException">The EIR list has no imei column.</exception>
    public async Task<AuditReport> AuditAsync(string operatorId, string eirPath, long? generationAsked, string outDirectory, CancellationToken cancellationToken)
    {
        if (!IsOperatorId(operatorId))
        {
            throw new ArgumentException($"'{TerminalText.Printable(operatorId)}' is not an operator id", nameof(operatorId));
        }

        var latest = Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(id), 0) FROM list_generations", cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (latest == 0)
        {
            throw new RefDbException("no lists have been generated: run 'conformitylab db lists generate --out <dir>' first");
        }

        var generation = generationAsked ?? latest;
        if (generation < 1 || generation > latest)
        {
            throw new RefDbException($"there is no generation {generation}: the lists go from 1 to {latest}");
        }

        // The EIR list: IMEIs, keyed as the database keys them.
        var held = new HashSet<string>(StringComparer.Ordinal);
        var rejected = new List<RejectedLine>();
        using (var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true }).FromFile(eirPath))
        {
            var names = reader.Header.ColNames.Select(n => n.Trim().ToLowerInvariant()).ToList();
            var at = names.IndexOf("imei");
            if (at < 0)
            {
                throw new FormatException($"{Path.GetFileName(eirPath)} has no imei column; an EIR list has a header with imei (other columns are ignored)");
            }

            foreach (var row in reader)
            {
                if (row.ColCount <= at || ListParsers.Key(row[at].ToString()) is not { } key)
                {
                    rejected.Add(new RejectedLine(row.LineNumberFrom, row.ColCount <= at ? "no imei column on this line" : "the IMEI is not 14 to 16 digits"));
                    continue;
                }

                held.Add(key);
            }
        }

        // The block list's history: each IMEI's spans of generations [added, removed).
        var spans = (await RowsAsync("SELECT imei, added, removed FROM list_entries WHERE list = 'block'", cancellationToken).ConfigureAwait(false))
            .Select(r => ((string)r[0]!, Convert.ToInt64(r[1], CultureInfo.InvariantCulture), r[2] is null ? long.MaxValue : Convert.ToInt64(r[2], CultureInfo.InvariantCulture)))
            .GroupBy(s => s.Item1, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(s => (Added: s.Item2, Removed: s.Item3)).OrderBy(s => s.Added).ToList(), StringComparer.Ordinal);
        bool Listed(string imei, long g) => spans.TryGetValue(imei, out var s) && s.Any(x => x.Added <= g && g < x.Removed);
        var expected = spans.Keys.Where(i => Listed(i, generation)).ToHashSet(StringComparer.Ordinal);

        var findings = new List<AuditFinding>();
        foreach (var imei in expected.Where(i => !held.Contains(i)).Order(StringComparer.Ordinal))
        {
            // A change closes a span and opens the next at once: the IMEI has been listed since the first of the unbroken run.
            var run = spans[imei];
            var at = run.FindIndex(x => x.Added <= generation && generation < x.Removed);
            while (at > 0 && run[at - 1].Removed == run[at].Added)
            {
                at--;
            }

            var since = run[at].Added;
            findings.Add(new AuditFinding("lacks", imei, since, $"on the block list since generation {since}; the EIR does not block it"));
        }

        foreach (var imei in held.Where(i => !expected.Contains(i)).Order(StringComparer.Ordinal))
        {
            var removedAt = spans.TryGetValue(imei, out var s) ? s.Where(x => x.Removed <= generation).Select(x => (long?)x.Removed).Max() : null;
            findings.Add(new AuditFinding("extra", imei, removedAt, removedAt is { } r ? $"removed from the block list at generation {r}; the EIR still blocks it (stale)" : "never on a block list; the EIR blocks it beyond the lists"));
        }

        // The generation the EIR list is closest to: where an operator's list stopped being updated.
        long? best = null;
        var bestDiff = long.MaxValue;
        for (var g = generation; g >= Math.Max(1, generation - 99); g--)
        {
            var diff = spans.Keys.Count(i => Listed(i, g) != held.Contains(i)) + held.Count(i => !spans.ContainsKey(i));
            if (diff < bestDiff)
            {
                (best, bestDiff) = (g, diff);
            }
        }

        var source = Path.GetFileName(eirPath);
        string sourceSha;
        await using (var eir = System.IO.File.OpenRead(eirPath))
        {
            sourceSha = Convert.ToHexStringLower(await SHA256.HashDataAsync(eir, cancellationToken).ConfigureAwait(false));
        }

        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var id = Convert.ToInt64(await ScalarAsync("SELECT COALESCE(MAX(id), 0) + 1 FROM audits", cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);
        Directory.CreateDirectory(outDirectory);
        var stem = Path.Combine(outDirectory, $"audit-{operatorId}-{id:D4}");
        var created = Now();
        var report = new
        {
            Audit = id,
            Created = created,
            Operator = operatorId,
            Generation = generation,
            Eir = new { File = source, Sha256 = sourceSha, Imeis = held.Count, Rejected = rejected.Select(r => r.ToString()).ToList() },
            Expected = expected.Count,
            Lacks = findings.Count(f => f.Kind == "lacks"),
            Extra = findings.Count(f => f.Kind == "extra"),
            Stale = findings.Count(f => f.Kind == "extra" && f.Generation is not null),
            BestMatch = new { Generation = best, Differences = bestDiff },
            Findings = findings,
        };
        var json = JsonSerializer.Serialize(report, ManifestJson) + "\n";
        var jsonSha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        await System.IO.File.WriteAllTextAsync(stem + ".json", json, cancellationToken).ConfigureAwait(false);
        var csvSha = WriteCsv(stem + ".csv", "finding,imei,generation,detail", findings.Select(f => string.Join(',', Csv(f.Kind), Csv(f.Imei), Csv(f.Generation?.ToString(CultureInfo.InvariantCulture)), Csv(f.Detail))));
        var summary = $"generation {generation}: expected {expected.Count}, held {held.Count}, lacks {report.Lacks}, extra {report.Extra} (stale {report.Stale}), best match generation {best}";
        await ExecuteAsync("INSERT INTO audits (id, created, operator, generation, source, source_sha256, report_sha256, csv_sha256, summary) VALUES (@id, @c, @o, @g, @s, @h, @j, @v, @m)", cancellationToken, tx,
            ("id", id), ("c", created), ("o", operatorId), ("g", generation), ("s", source), ("h", sourceSha), ("j", jsonSha), ("v", csvSha), ("m", summary)).ConfigureAwait(false);
        var leaf = await AppendLeafAsync("audit", id.ToString(CultureInfo.InvariantCulture), AuditEntry(id, created, operatorId, generation, source, sourceSha, jsonSha, csvSha, summary), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditReport(id, operatorId, source, sourceSha, generation, expected.Count, held.Count, rejected, findings, best, bestDiff, stem + ".json", jsonSha, stem + ".csv", csvSha, leaf);
    }

    internal static byte[] AuditEntry(long id, string created, string operatorId, long generation, string source, string sourceSha, string jsonSha, string csvSha, string summary) =>
        Entry(new { Kind = "audit", Audit = id, Created = created, Operator = operatorId, Generation = generation, Source = source, SourceSha256 = sourceSha, ReportSha256 = jsonSha, CsvSha256 = csvSha, Summary = summary });


}
