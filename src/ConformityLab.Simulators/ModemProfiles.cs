namespace ConformityLab.Simulators;

/// <summary>The profile files under <c>fixtures/modems</c>: listing and loading by name or path.</summary>
public static class ModemProfiles
{
    /// <summary>
    /// Where profiles are looked for: <c>$CONFORMITYLAB_FIXTURES/modems</c> when that variable is
    /// set, else the copy of <c>fixtures/modems</c> shipped beside the program.
    /// </summary>
    public static string DefaultRoot =>
        Environment.GetEnvironmentVariable("CONFORMITYLAB_FIXTURES") is { Length: > 0 } fixtures
            ? Path.Combine(fixtures, "modems")
            : Path.Combine(AppContext.BaseDirectory, "fixtures", "modems");

    /// <summary>Every profile under <paramref name="root"/>, by name.</summary>
    public static IReadOnlyList<ModemProfile> List(string? root = null)
    {
        root ??= DefaultRoot;
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"no modem profiles at {root} (set CONFORMITYLAB_FIXTURES to the fixtures folder)");
        }

        return Directory.EnumerateFiles(root, "*.yaml", SearchOption.AllDirectories)
            .Select(LoadFile)
            .OrderBy(p => p.Vendor, StringComparer.Ordinal)
            .ThenBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Loads a profile by name (searched under <paramref name="root"/>) or by the path of a YAML file.</summary>
    /// <exception cref="FileNotFoundException">No such profile; the message lists the known ones.</exception>
    public static ModemProfile Load(string nameOrPath, string? root = null)
    {
        if (File.Exists(nameOrPath))
        {
            return LoadFile(nameOrPath);
        }

        // Most profiles are named as their file: load that one alone. Parsing every profile to
        // find one cost 60 ms a simulator, paid one after another, so a lot of 64 took 4 s to start.
        root ??= DefaultRoot;
        if (Directory.Exists(root) && !nameOrPath.Contains('/', StringComparison.Ordinal))
        {
            foreach (var file in Directory.EnumerateFiles(root, nameOrPath + ".yaml", SearchOption.AllDirectories))
            {
                if (LoadFile(file) is var named && string.Equals(named.Name, nameOrPath, StringComparison.OrdinalIgnoreCase))
                {
                    return named;
                }
            }
        }

        var all = List(root);
        return all.FirstOrDefault(p => string.Equals(p.Name, nameOrPath, StringComparison.OrdinalIgnoreCase))
            ?? throw new FileNotFoundException($"no modem profile '{nameOrPath}'; known: {string.Join(", ", all.Select(p => p.Name))}");
    }

    private static ModemProfile LoadFile(string path)
    {
        var profile = ModemProfile.Parse(File.ReadAllText(path), path);
        if (profile.Name.Length == 0)
        {
            profile.Name = Path.GetFileNameWithoutExtension(path);
        }

        if (profile.Vendor.Length == 0)
        {
            profile.Vendor = Path.GetFileName(Path.GetDirectoryName(path)) ?? string.Empty;
        }

        return profile;
    }
}
