using System.Security.Cryptography;
using System.Text;

namespace ConformityLab.Records;

/// <summary>An evidence file: its path relative to the folder (with '/'), its SHA-256 and its size.</summary>
public sealed record EvidenceFile(string Path, string Sha256, long Bytes);

/// <summary>What a check of a folder against its manifest found wrong, file by file.</summary>
/// <param name="Path">The file.</param>
/// <param name="Problem">changed, missing or added, with the detail.</param>
public sealed record EvidenceProblem(string Path, string Problem)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Problem}";
}

/// <summary>
/// The evidence of a folder: every file's SHA-256, and one SHA-256 over all of them, computed
/// over the lines <c>&lt;sha256&gt;  &lt;path&gt;\n</c> in ordinal order of path (the format
/// <c>sha256sum</c> writes, so <c>sha256sum -c</c> checks the files and the digest of the list
/// is the digest of the lot).
/// </summary>
public static class EvidenceManifest
{
    /// <summary>Hashes every file under <paramref name="folder"/> except <paramref name="excluded"/> (relative paths).</summary>
    public static async Task<IReadOnlyList<EvidenceFile>> HashAsync(string folder, IReadOnlyCollection<string> excluded, CancellationToken cancellationToken)
    {
        var files = new List<EvidenceFile>();
        foreach (var path in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Relative(folder, path);
            if (excluded.Contains(relative))
            {
                continue;
            }

            await using var stream = File.OpenRead(path);
            files.Add(new EvidenceFile(relative, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false)), stream.Length));
        }

        return [.. files.OrderBy(f => f.Path, StringComparer.Ordinal)];
    }

    /// <summary>The lines of the list, as <c>sha256sum</c> writes them.</summary>
    public static string Lines(IEnumerable<EvidenceFile> files) =>
        string.Concat(files.OrderBy(f => f.Path, StringComparer.Ordinal).Select(f => $"{f.Sha256}  {f.Path}\n"));

    /// <summary>The one SHA-256 over all the files: of the list's lines.</summary>
    public static string Digest(IEnumerable<EvidenceFile> files) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Lines(files))));

    /// <summary>Checks a folder against its manifest: every file listed is there with its hash, and no other file is, but <paramref name="excluded"/>.</summary>
    public static async Task<IReadOnlyList<EvidenceProblem>> VerifyAsync(string folder, IReadOnlyList<EvidenceFile> manifest, IReadOnlyCollection<string> excluded, CancellationToken cancellationToken)
    {
        var now = (await HashAsync(folder, excluded, cancellationToken).ConfigureAwait(false)).ToDictionary(f => f.Path, StringComparer.Ordinal);
        var problems = new List<EvidenceProblem>();
        foreach (var file in manifest)
        {
            if (!now.Remove(file.Path, out var found))
            {
                problems.Add(new EvidenceProblem(file.Path, "missing"));
            }
            else if (found.Sha256 != file.Sha256)
            {
                problems.Add(new EvidenceProblem(file.Path, $"changed: its SHA-256 is {found.Sha256}, the manifest says {file.Sha256}"));
            }
        }

        problems.AddRange(now.Keys.Order(StringComparer.Ordinal).Select(p => new EvidenceProblem(p, "added after the examination")));
        return problems;
    }

    private static string Relative(string folder, string path) => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
}
