using System.Text.Json;
using System.Text.RegularExpressions;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// A device under test may be hostile: the hostile-strings simulator sends escape sequences,
/// Spectre markup, a path out of the run folder, NULs and bytes that are not UTF-8, a 6 kB line,
/// SQL and HTML metacharacters. Through identify, probe and certify nothing crashes, every JSON
/// output parses, every file stays in its folder under a safe name, and no escape sequence
/// reaches the terminal.
/// </summary>
[NonParallelizable]
public partial class HostileDeviceTests
{
    [GeneratedRegex(@"^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SafeName();

    private static void NoEscapeSequence(Cli.Result r)
    {
        // Ordinal, by char: a culture-aware Contains finds an ignorable control character in any string.
        Assert.That(r.Stdout.Contains('\u001b', StringComparison.Ordinal), Is.False, "no ESC on stdout");
        Assert.That(r.Stderr.Contains('\u001b', StringComparison.Ordinal), Is.False, "no ESC on stderr");
        Assert.That((r.Stdout + r.Stderr).Any(c => c is '\u0007' or '\0' or '\u009b'), Is.False, "no BEL, NUL or CSI");
        Assert.That(r.Stderr, Does.Not.Contain("Unhandled exception").And.Not.Contain("   at "), "nothing crashed");
    }

    private static void OnlySafeFilesInside(string root)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
        {
            Assert.That(Path.GetFullPath(path), Does.StartWith(Path.GetFullPath(root) + Path.DirectorySeparatorChar));
            Assert.That(SafeName().IsMatch(Path.GetFileName(path)), Is.True, $"unsafe file name '{Path.GetFileName(path)}'");
        }
    }

    private static string Sandbox()
    {
        // The run folder sits two levels down, so a '../../x' that escaped would land in the sandbox root.
        var sandbox = Directory.CreateTempSubdirectory("hostile").FullName;
        var outDir = Path.Combine(sandbox, "a", "b", "out");
        Directory.CreateDirectory(outDir);
        return outDir;
    }

    private static void NothingEscaped(string outDir)
    {
        var sandbox = Path.GetFullPath(Path.Combine(outDir, "..", "..", ".."));
        var outside = Directory.EnumerateFileSystemEntries(sandbox, "*", SearchOption.AllDirectories)
            .Where(p => !Path.GetFullPath(p).StartsWith(Path.GetFullPath(outDir), StringComparison.Ordinal) && !Directory.Exists(p))
            .ToList();
        Assert.That(outside, Is.Empty, "nothing written outside the run folder");
        OnlySafeFilesInside(outDir);
    }

    [Test]
    public async Task Identify_HostileStrings_SafeOnTheTerminal_InJson_AndInFileNames()
    {
        await using var sim = await Cli.SimProcess.StartAsync("hostile-strings");
        var outDir = Sandbox();
        var table = await Cli.RunAsync("identify", sim.Link, "/dev/nonexistent-port", "--out", outDir);
        NoEscapeSequence(table);
        Assert.That(table.ExitCode, Is.EqualTo(2), "one target could not run\n" + table.Stderr);
        NothingEscaped(outDir);
        var files = Directory.GetFiles(outDir, "*.json");
        Assert.That(files, Has.Length.EqualTo(2));
        foreach (var file in files)
        {
            Assert.DoesNotThrow(() => JsonDocument.Parse(File.ReadAllText(file)));
        }

        var json = await Cli.RunAsync("identify", sim.Link, "--json");
        NoEscapeSequence(json);
        var root = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.That(root.GetProperty("imeis")[0].GetString(), Is.EqualTo("353456789012348"));
        Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("../../x"), "the value is reported as the device gave it; only names and terminals are sanitised");
    }

    [Test]
    public async Task Probe_HostileStrings_Safe()
    {
        await using var sim = await Cli.SimProcess.StartAsync("hostile-strings");
        var table = await Cli.RunAsync("probe", sim.Link);
        NoEscapeSequence(table);
        Assert.That(table.ExitCode, Is.AnyOf(1, 3), table.Stderr);
        var json = await Cli.RunAsync("probe", sim.Link, "--json");
        NoEscapeSequence(json);
        Assert.DoesNotThrow(() => JsonDocument.Parse(json.Stdout));
    }

    [Test]
    public async Task Certify_HostileStrings_RunFolderHoldsEverything_UnderSafeNames()
    {
        var outDir = Sandbox();
        var r = await Cli.RunAsync("certify", "sim:hostile-strings", "--plan", "certification", "--out", outDir);
        NoEscapeSequence(r);
        Assert.That(r.ExitCode, Is.AnyOf(1, 3), r.Stderr);
        NothingEscaped(outDir);
        var run = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "run.json"))).RootElement;
        var name = run.GetProperty("devices")[0].GetProperty("name").GetString()!;
        Assert.That(SafeName().IsMatch(name), Is.True, name);
        Assert.That(name, Does.Not.Contain(".."));
    }
}
