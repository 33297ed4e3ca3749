using System.Numerics;
using System.Security.Cryptography;

namespace ConformityLab.RefDb.Log;

/// <summary>
/// Where a tree's complete subtrees come from: the hash of the subtree at <c>level</c> and
/// <c>index</c>, covering leaves <c>[index·2^level, (index+1)·2^level)</c>. Level 0 holds the leaf hashes.
/// </summary>
public interface INodeSource
{
    /// <summary>The hash of a complete subtree that exists.</summary>
    Task<byte[]> NodeAsync(int level, long index, CancellationToken cancellationToken);
}

/// <summary>
/// The Merkle tree of RFC 9162 §2.1: leaf hash SHA-256(0x00‖entry), node hash
/// SHA-256(0x01‖left‖right), split at the largest power of two smaller than the size. The root,
/// inclusion proofs (§2.1.3) and consistency proofs (§2.1.4) are computed from stored complete
/// subtrees, so each costs O(log n) node reads, and verified by the RFC's own algorithms.
/// </summary>
public static class MerkleTree
{
    /// <summary>SHA-256 of the empty string: the root of the empty tree.</summary>
    public static byte[] EmptyRoot { get; } = SHA256.HashData([]);

    /// <summary>The hash of a leaf entry.</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> entry)
    {
        var buffer = new byte[entry.Length + 1];
        entry.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    /// <summary>The hash of an interior node.</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[65];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two smaller than <paramref name="n"/> (n ≥ 2).</summary>
    public static long SplitPoint(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>MTH(D[start:start+size]).</summary>
    public static async Task<byte[]> HashAsync(INodeSource nodes, long start, long size, CancellationToken cancellationToken)
    {
        if (size == 0)
        {
            return EmptyRoot;
        }

        if ((size & (size - 1)) == 0 && start % size == 0)
        {
            return await nodes.NodeAsync(BitOperations.TrailingZeroCount(size), start / size, cancellationToken).ConfigureAwait(false);
        }

        var k = SplitPoint(size);
        var left = await HashAsync(nodes, start, k, cancellationToken).ConfigureAwait(false);
        var right = await HashAsync(nodes, start + k, size - k, cancellationToken).ConfigureAwait(false);
        return NodeHash(left, right);
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/> leaves (RFC 9162 §2.1.3.1).</summary>
    public static async Task<IReadOnlyList<byte[]>> InclusionAsync(INodeSource nodes, long index, long size, CancellationToken cancellationToken)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"leaf {index} is not in a tree of {size}");
        }

        var path = new List<byte[]>();
        await PathAsync(nodes, index, 0, size, path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private static async Task PathAsync(INodeSource nodes, long m, long start, long n, List<byte[]> path, CancellationToken cancellationToken)
    {
        if (n == 1)
        {
            return;
        }

        var k = SplitPoint(n);
        if (m < k)
        {
            await PathAsync(nodes, m, start, k, path, cancellationToken).ConfigureAwait(false);
            path.Add(await HashAsync(nodes, start + k, n - k, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await PathAsync(nodes, m - k, start + k, n - k, path, cancellationToken).ConfigureAwait(false);
            path.Add(await HashAsync(nodes, start, k, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>The consistency proof between the trees of <paramref name="oldSize"/> and <paramref name="newSize"/> leaves (RFC 9162 §2.1.4.1).</summary>
    public static async Task<IReadOnlyList<byte[]>> ConsistencyAsync(INodeSource nodes, long oldSize, long newSize, CancellationToken cancellationToken)
    {
        if (oldSize < 0 || oldSize > newSize)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), $"{oldSize} is not a size between 0 and {newSize}");
        }

        var proof = new List<byte[]>();
        if (oldSize > 0 && oldSize < newSize)
        {
            await SubProofAsync(nodes, oldSize, 0, newSize, true, proof, cancellationToken).ConfigureAwait(false);
        }

        return proof;
    }

    private static async Task SubProofAsync(INodeSource nodes, long m, long start, long n, bool complete, List<byte[]> proof, CancellationToken cancellationToken)
    {
        if (m == n)
        {
            if (!complete)
            {
                proof.Add(await HashAsync(nodes, start, n, cancellationToken).ConfigureAwait(false));
            }

            return;
        }

        var k = SplitPoint(n);
        if (m <= k)
        {
            await SubProofAsync(nodes, m, start, k, complete, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await HashAsync(nodes, start + k, n - k, cancellationToken).ConfigureAwait(false));
        }
        else
        {
            await SubProofAsync(nodes, m - k, start + k, n - k, false, proof, cancellationToken).ConfigureAwait(false);
            proof.Add(await HashAsync(nodes, start, k, cancellationToken).ConfigureAwait(false));
        }
    }

    /// <summary>Verifies an inclusion proof (RFC 9162 §2.1.3.2).</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> path, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size)
        {
            return false;
        }

        var fn = index;
        var sn = size - 1;
        var r = leafHash.ToArray();
        foreach (var p in path)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>Verifies a consistency proof (RFC 9162 §2.1.4.2).</summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (oldSize == 0 || oldSize > newSize || proof.Count == 0)
        {
            return oldSize == 0 && proof.Count == 0;
        }

        var path = new List<byte[]>(proof);
        if ((oldSize & (oldSize - 1)) == 0)
        {
            path.Insert(0, oldRoot.ToArray());
        }

        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        var fr = path[0];
        var sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && fr.AsSpan().SequenceEqual(oldRoot) && sr.AsSpan().SequenceEqual(newRoot);
    }
}

/// <summary>
/// The right edge of a growing tree: for each level, the complete subtree that still waits for a
/// right sibling. Appending a leaf gives the new complete subtrees to store (the leaf and every
/// parent it completes), so a million appends need no reads.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<byte[]?> _pending = [];

    /// <summary>The number of leaves so far.</summary>
    public long Size { get; private set; }

    /// <summary>A frontier for an existing tree of <paramref name="size"/> leaves.</summary>
    public static async Task<MerkleFrontier> LoadAsync(INodeSource nodes, long size, CancellationToken cancellationToken)
    {
        var frontier = new MerkleFrontier { Size = size };
        for (var level = 0; (size >> level) > 0; level++)
        {
            frontier._pending.Add(((size >> level) & 1) == 1 ? await nodes.NodeAsync(level, (size >> level) - 1, cancellationToken).ConfigureAwait(false) : null);
        }

        return frontier;
    }

    /// <summary>Appends a leaf hash; returns every complete subtree it creates, as (level, index, hash).</summary>
    public IReadOnlyList<(int Level, long Index, byte[] Hash)> Append(byte[] leafHash)
    {
        var created = new List<(int, long, byte[])>();
        var index = Size;
        var hash = leafHash;
        var level = 0;
        created.Add((0, index, hash));
        while ((index & 1) == 1)
        {
            hash = MerkleTree.NodeHash(_pending[level]!, hash);
            _pending[level] = null;
            index >>= 1;
            level++;
            created.Add((level, index, hash));
        }

        while (_pending.Count <= level)
        {
            _pending.Add(null);
        }

        _pending[level] = hash;
        Size++;
        return created;
    }
}
