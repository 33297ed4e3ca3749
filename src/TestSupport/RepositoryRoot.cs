namespace ConformityLab.TestSupport;

/// <summary>The repository a test or a benchmark runs from (the folder with ConformityLab.sln above its binaries); shared as a linked source file.</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's folder, or null when the binaries are not under one.</summary>
    public static string? TryFind()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ConformityLab.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName;
    }

    /// <summary>The repository's folder.</summary>
    /// <exception cref="InvalidOperationException">The binaries are not under a repository.</exception>
    public static string Find() => TryFind() ?? throw new InvalidOperationException($"no ConformityLab.sln above {AppContext.BaseDirectory}: run from the repository");
}
