using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ConformityLab.Records;
using ConformityLab.RefDb.Log;

namespace ConformityLab.RefDb;

/// <summary>An inclusion proof, as <c>db log prove</c> prints it (hashes base64, path in RFC 9162 §2.1.3 order).</summary>
public sealed record InclusionProof(long LeafIndex, long TreeSize, string LeafHash, string RootHash, IReadOnlyList<string> Path);

/// <summary>A consistency proof, as <c>db log consistency</c> prints it (RFC 9162 §2.1.4 order).</summary>
public sealed record ConsistencyProof(long OldSize, long NewSize, string OldRoot, string NewRoot, IReadOnlyList<string> Path);

/// <summary>The log side of the database: leaves, complete subtrees, checkpoints, the database's own key.</summary>
public sealed partial class ReferenceDatabase : INodeSource
{
    private MerkleFrontier? _frontier;

    /// <summary>
    /// Creates the database's identity once: its id, its Ed25519 log key (which signs checkpoints;
    /// it never leaves the database) and the secret that keys the hashes of personal data.
    /// </summary>
    /// <returns>True when it was created now, false when it existed.</returns>
    public async Task<bool> InitAsync(CancellationToken cancellationToken)
    {
        if (await MetaAsync("db_id", cancellationToken).ConfigureAwait(false) is not null)
        {
            return false;
        }

        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var id = Guid.CreateVersion7().ToString("N")[..16];
        await SetMetaAsync("db_id", id, tx, cancellationToken).ConfigureAwait(false);
        await SetMetaAsync("log_key", LabSigningKey.Create().ToPem(), tx, cancellationToken).ConfigureAwait(false);
        await SetMetaAsync("hmac_secret", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The log's origin line: names this database's log.</summary>
    public async Task<string> OriginAsync(CancellationToken cancellationToken) =>
        $"conformitylab.refdb/{await RequireMetaAsync("db_id", cancellationToken).ConfigureAwait(false)}";

    /// <summary>The log key's public half (checkpoints verify with it; <c>db log key</c> prints it).</summary>
    public async Task<LabPublicKey> LogPublicKeyAsync(CancellationToken cancellationToken) => (await LogKeyAsync(cancellationToken).ConfigureAwait(false)).Public;

    /// <summary>The number of leaves in the log.</summary>
    public async Task<long> LogSizeAsync(CancellationToken cancellationToken, DbTransaction? tx = null) =>
        Convert.ToInt64(await ScalarAsync("SELECT COUNT(*) FROM log_leaves", cancellationToken, tx).ConfigureAwait(false), CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public Task<byte[]> NodeAsync(int level, long index, CancellationToken cancellationToken) => ReadNodeAsync(level, index, null, cancellationToken);

    private async Task<byte[]> ReadNodeAsync(int level, long index, DbTransaction? tx, CancellationToken cancellationToken) =>
        await Prepared("SELECT hash FROM log_nodes WHERE level = @l AND idx = @i", tx, ("l", level), ("i", index)).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[]
        ?? throw new RefDbException($"the log has no node at level {level}, index {index}: it was removed behind the log's back (run 'db verify')");

    /// <summary>The root hash of the tree of the first <paramref name="size"/> leaves.</summary>
    public Task<byte[]> RootAsync(long size, CancellationToken cancellationToken) => PrefetchedAsync(nodes => MerkleTree.HashAsync(nodes, 0, size, cancellationToken), cancellationToken);

    /// <summary>
    /// Runs a tree computation twice: once to learn which complete subtrees it reads, then, with
    /// all of them fetched in one prepared query, for real. A proof then costs one round trip, not
    /// one per node.
    /// </summary>
    private async Task<T> PrefetchedAsync<T>(Func<INodeSource, Task<T>> compute, CancellationToken cancellationToken)
    {
        var wanted = new Recorder();
        await compute(wanted).ConfigureAwait(false);
        var nodes = wanted.Nodes.Distinct().ToArray();
        var known = new Dictionary<(int, long), byte[]>(nodes.Length);
        var command = Engine == Engine.Postgres
            ? Prepared("SELECT n.level, n.idx, n.hash FROM log_nodes n JOIN unnest(@levels, @idxs) AS w(level, idx) ON n.level = w.level AND n.idx = w.idx", null, ("levels", nodes.Select(n => n.Level).ToArray()), ("idxs", nodes.Select(n => n.Index).ToArray()))
            : Prepared("SELECT level, idx, hash FROM log_nodes WHERE (level, idx) IN (SELECT value ->> 0, value ->> 1 FROM json_each(@wanted))", null, ("wanted", JsonSerializer.Serialize(nodes.Select(n => new[] { n.Level, n.Index }))));
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                known[(reader.GetInt32(0), reader.GetInt64(1))] = (byte[])reader.GetValue(2);
            }
        }

        return await compute(new Known(known)).ConfigureAwait(false);
    }

    /// <summary>Appends a leaf inside <paramref name="tx"/>: its entry, and every complete subtree it closes.</summary>
    /// <returns>The leaf's index.</returns>
    internal async Task<long> AppendLeafAsync(string kind, string reference, byte[] entry, DbTransaction tx, CancellationToken cancellationToken)
    {
        var frontier = await FrontierAsync(tx, cancellationToken).ConfigureAwait(false);
        var index = frontier.Size;
        await Prepared("INSERT INTO log_leaves (idx, kind, ref, entry) VALUES (@i, @k, @r, @e)", tx, ("i", index), ("k", kind), ("r", reference), ("e", entry)).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (level, idx, hash) in frontier.Append(MerkleTree.LeafHash(entry)))
        {
            await Prepared("INSERT INTO log_nodes (level, idx, hash) VALUES (@l, @i, @h)", tx, ("l", level), ("i", idx), ("h", hash)).ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return index;
    }

    /// <summary>Appends entries to the log in one transaction (the benchmark's bulk path; the database's own operations append their leaves themselves).</summary>
    internal async Task AppendEntriesAsync(string kind, IEnumerable<byte[]> entries, CancellationToken cancellationToken)
    {
        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var n = 0;
        if (Connection is Npgsql.NpgsqlConnection pg)
        {
            // PostgreSQL: the leaves and their nodes by binary COPY, not a round trip per row.
            var frontier = await FrontierAsync(tx, cancellationToken).ConfigureAwait(false);
            var nodes = new List<(int, long, byte[])>();
            await using (var leaves = await pg.BeginBinaryImportAsync("COPY log_leaves (idx, kind, ref, entry) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                foreach (var entry in entries)
                {
                    await leaves.WriteRowAsync(cancellationToken, frontier.Size, kind, (n++).ToString(CultureInfo.InvariantCulture), entry).ConfigureAwait(false);
                    nodes.AddRange(frontier.Append(MerkleTree.LeafHash(entry)));
                }

                await leaves.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var copy = await pg.BeginBinaryImportAsync("COPY log_nodes (level, idx, hash) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false))
            {
                foreach (var (level, idx, hash) in nodes)
                {
                    await copy.WriteRowAsync(cancellationToken, level, idx, hash).ConfigureAwait(false);
                }

                await copy.CompleteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            // SQLite: the same rows through the multi-row bulk insert.
            var frontier = await FrontierAsync(tx, cancellationToken).ConfigureAwait(false);
            var leaves = new List<object?[]>();
            var nodes = new List<object?[]>();
            foreach (var entry in entries)
            {
                leaves.Add([frontier.Size, kind, (n++).ToString(CultureInfo.InvariantCulture), entry]);
                nodes.AddRange(frontier.Append(MerkleTree.LeafHash(entry)).Select(x => new object?[] { x.Level, x.Index, x.Hash }));
            }

            await SqliteBulkInsertAsync("log_leaves", ["idx", "kind", "ref", "entry"], leaves, tx, null, cancellationToken).ConfigureAwait(false);
            await SqliteBulkInsertAsync("log_nodes", ["level", "idx", "hash"], nodes, tx, null, cancellationToken).ConfigureAwait(false);
        }

        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The right edge of the tree, loaded once per transaction.</summary>
    private async Task<MerkleFrontier> FrontierAsync(DbTransaction tx, CancellationToken cancellationToken) =>
        _frontier ??= await MerkleFrontier.LoadAsync(new TransactionNodes(this, tx), await LogSizeAsync(cancellationToken, tx).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Forgets the cached right edge of the tree (after a rolled-back transaction).</summary>
    internal void ResetFrontier() => _frontier = null;

    /// <summary>
    /// Signs and stores a checkpoint of the log as it stands, in C2SP <c>tlog-checkpoint</c> form
    /// (origin, size, base64 root) wrapped in a C2SP <c>signed-note</c> by the log key.
    /// </summary>
    public async Task<string> CheckpointAsync(CancellationToken cancellationToken)
    {
        var size = await LogSizeAsync(cancellationToken).ConfigureAwait(false);
        var root = await RootAsync(size, cancellationToken).ConfigureAwait(false);
        var note = SignedNote.Sign($"{await OriginAsync(cancellationToken).ConfigureAwait(false)}\n{size}\n{Convert.ToBase64String(root)}\n", await OriginAsync(cancellationToken).ConfigureAwait(false), await LogKeyAsync(cancellationToken).ConfigureAwait(false));
        await ExecuteAsync("INSERT INTO checkpoints (size, root, note, created) VALUES (@s, @r, @n, @c) ON CONFLICT (size) DO UPDATE SET root = excluded.root, note = excluded.note, created = excluded.created", cancellationToken, null, ("s", size), ("r", root), ("n", note), ("c", Now())).ConfigureAwait(false);
        return note;
    }

    /// <summary>The inclusion proof of a leaf, by index or by the record id it logs.</summary>
    /// <exception cref="RefDbException">No such leaf or record.</exception>
    public async Task<InclusionProof> ProveAsync(string leafOrRecord, long? size, CancellationToken cancellationToken)
    {
        long index;
        if (long.TryParse(leafOrRecord, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            index = n;
        }
        else
        {
            index = await ScalarAsync("SELECT MIN(idx) FROM log_leaves WHERE kind = 'record' AND ref = @r", cancellationToken, null, ("r", leafOrRecord)).ConfigureAwait(false) is { } found
                ? Convert.ToInt64(found, CultureInfo.InvariantCulture)
                : throw new RefDbException($"no record '{leafOrRecord}' is in the log");
        }

        var treeSize = size ?? await LogSizeAsync(cancellationToken).ConfigureAwait(false);
        if (index < 0 || index >= treeSize)
        {
            throw new RefDbException($"leaf {index} is not in a tree of {treeSize} leaves");
        }

        // The path, the leaf and the root from one fetch of the nodes they read.
        return await PrefetchedAsync(
            async nodes => new InclusionProof(
                index,
                treeSize,
                Convert.ToBase64String(await nodes.NodeAsync(0, index, cancellationToken).ConfigureAwait(false)),
                Convert.ToBase64String(await MerkleTree.HashAsync(nodes, 0, treeSize, cancellationToken).ConfigureAwait(false)),
                (await MerkleTree.InclusionAsync(nodes, index, treeSize, cancellationToken).ConfigureAwait(false)).Select(Convert.ToBase64String).ToList()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The consistency proof between two sizes of the log.</summary>
    /// <exception cref="RefDbException">A size is not one the log had.</exception>
    public async Task<ConsistencyProof> ConsistencyAsync(long oldSize, long newSize, CancellationToken cancellationToken)
    {
        var size = await LogSizeAsync(cancellationToken).ConfigureAwait(false);
        if (oldSize < 1 || oldSize > newSize || newSize > size)
        {
            throw new RefDbException($"sizes must satisfy 1 <= old <= new <= {size} (the log's size), not {oldSize} and {newSize}");
        }

        return await PrefetchedAsync(
            async nodes => new ConsistencyProof(
                oldSize,
                newSize,
                Convert.ToBase64String(await MerkleTree.HashAsync(nodes, 0, oldSize, cancellationToken).ConfigureAwait(false)),
                Convert.ToBase64String(await MerkleTree.HashAsync(nodes, 0, newSize, cancellationToken).ConfigureAwait(false)),
                (await MerkleTree.ConsistencyAsync(nodes, oldSize, newSize, cancellationToken).ConfigureAwait(false)).Select(Convert.ToBase64String).ToList()),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The canonical bytes of a log entry: RFC 8785 JSON of its members.</summary>
    internal static byte[] Entry(object members) => Jcs.Canonicalize(JsonSerializer.SerializeToElement(members, RecordEnvelope.Options));

    internal async Task<string?> MetaAsync(string key, CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT value FROM meta WHERE key = @k", cancellationToken, null, ("k", key)).ConfigureAwait(false) as string;

    internal async Task<string> RequireMetaAsync(string key, CancellationToken cancellationToken) =>
        await MetaAsync(key, cancellationToken).ConfigureAwait(false) ?? throw new RefDbException($"{Description} is not initialised: run 'conformitylab db init --db ...' first");

    private Task SetMetaAsync(string key, string value, DbTransaction tx, CancellationToken cancellationToken) =>
        ExecuteAsync("INSERT INTO meta (key, value) VALUES (@k, @v)", cancellationToken, tx, ("k", key), ("v", value));

    private async Task<LabSigningKey> LogKeyAsync(CancellationToken cancellationToken) => LabSigningKey.FromPem(await RequireMetaAsync("log_key", cancellationToken).ConfigureAwait(false));

    /// <summary>Node reads inside a transaction (the frontier loads before the first append).</summary>
    private sealed class TransactionNodes(ReferenceDatabase db, DbTransaction tx) : INodeSource
    {
        public Task<byte[]> NodeAsync(int level, long index, CancellationToken cancellationToken) => db.ReadNodeAsync(level, index, tx, cancellationToken);
    }

    /// <summary>Records which nodes a computation reads, answering with placeholders.</summary>
    private sealed class Recorder : INodeSource
    {
        private static readonly byte[] Zero = new byte[32];

        public List<(int Level, long Index)> Nodes { get; } = [];

        public Task<byte[]> NodeAsync(int level, long index, CancellationToken cancellationToken)
        {
            Nodes.Add((level, index));
            return Task.FromResult(Zero);
        }
    }

    /// <summary>Answers from nodes fetched beforehand.</summary>
    private sealed class Known(Dictionary<(int, long), byte[]> nodes) : INodeSource
    {
        public Task<byte[]> NodeAsync(int level, long index, CancellationToken cancellationToken) =>
            nodes.TryGetValue((level, index), out var hash) ? Task.FromResult(hash) : throw new RefDbException($"the log has no node at level {level}, index {index}: it was removed behind the log's back (run 'db verify')");
    }
}

/// <summary>
/// C2SP <c>signed-note</c> with an Ed25519 key: the text, a blank line, then
/// <c>— &lt;name&gt; base64(key hash ‖ signature)</c>, where the key hash is the first 4 bytes of
/// SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key) and the signature covers the text exactly.
/// </summary>
public static class SignedNote
{
    /// <summary>Signs <paramref name="text"/> (which ends with a line feed).</summary>
    public static string Sign(string text, string name, LabSigningKey key)
    {
        var signature = key.Sign(Encoding.UTF8.GetBytes(text));
        return $"{text}\n\u2014 {name} {Convert.ToBase64String([.. KeyHash(name, key.Public), .. signature])}\n";
    }

    /// <summary>Whether <paramref name="note"/> carries a good signature by <paramref name="key"/> under <paramref name="name"/>; gives the signed text.</summary>
    public static bool Verify(string note, string name, LabPublicKey key, out string text)
    {
        text = string.Empty;
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        text = note[..(split + 1)];
        var hash = KeyHash(name, key);
        foreach (var line in note[(split + 2)..].Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var prefix = $"\u2014 {name} ";
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            byte[] blob;
            try
            {
                blob = Convert.FromBase64String(line[prefix.Length..]);
            }
            catch (FormatException)
            {
                continue;
            }

            if (blob.Length == 68 && blob.AsSpan(0, 4).SequenceEqual(hash) && key.Verify(Encoding.UTF8.GetBytes(text), blob.AsSpan(4)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The signed-note key hash of an Ed25519 key.</summary>
    public static byte[] KeyHash(string name, LabPublicKey key) =>
        SHA256.HashData([.. Encoding.UTF8.GetBytes(name), 0x0A, 0x01, .. key.Spki.AsSpan(key.Spki.Length - 32)])[..4];
}
