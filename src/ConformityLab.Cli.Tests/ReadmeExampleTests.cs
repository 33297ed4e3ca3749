using System.Diagnostics;
using System.Text.RegularExpressions;
using ConformityLab.TestSupport;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// Every README example marked <c>&lt;!-- example exit=N expect="..." --&gt;</c> runs as written,
/// in README order, in one scratch folder that holds the repository's fixtures (later examples use
/// what earlier ones wrote). Every command of a block but the last must exit 0; the last must exit
/// with the marker's code; and the block's output must hold the marker's line. A claim the README
/// makes with an example is a claim this test checks.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class ReadmeExampleTests
{
    private string _scratch = null!;

    /// <summary>One marked example: where it stands, its commands, the last one's exit code and a line of its output.</summary>
    public sealed record Example(int Line, IReadOnlyList<string> Commands, int Exit, string Expect)
    {
        public override string ToString() => $"README line {Line}: {Commands[0]}";
    }

    [GeneratedRegex("""<!-- example exit=(?<exit>\d+) expect="(?<expect>(?:[^"\\]|\\.)*)" -->\s*```sh\n(?<body>.*?)```""", RegexOptions.Singleline)]
    private static partial Regex Marked();

    /// <summary>The README's marked examples.</summary>
    public static IEnumerable<TestCaseData> Examples()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot.Find(), "README.md"));
        foreach (Match m in Marked().Matches(readme))
        {
            // A trailing backslash continues a command on the next line; blank and comment lines are no commands.
            var commands = m.Groups["body"].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
                .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
            var example = new Example(readme[..m.Index].Count(c => c == '\n') + 1, commands, int.Parse(m.Groups["exit"].Value, System.Globalization.CultureInfo.InvariantCulture), m.Groups["expect"].Value.Replace("\\\"", "\"", StringComparison.Ordinal));
            yield return new TestCaseData(example).SetArgDisplayNames(example.ToString());
        }
    }

    [OneTimeSetUp]
    public void Scratch()
    {
        _scratch = Directory.CreateTempSubdirectory("readme-examples-").FullName;
        Directory.CreateSymbolicLink(Path.Combine(_scratch, "fixtures"), Path.Combine(RepositoryRoot.Find(), "fixtures"));
    }

    [OneTimeTearDown]
    public void Clean() => Directory.Delete(_scratch, recursive: true);

    [Test]
    public void TheReadme_MarksExamples_OfEveryCommandThatNeedsNoHardware()
    {
        var commands = Examples().Select(e => (Example)e.Arguments[0]!).SelectMany(e => e.Commands).Select(c => string.Join(' ', c.Split(' ').Skip(1).TakeWhile(w => !w.Contains(':', StringComparison.Ordinal) && !w.StartsWith('-') && !w.Contains('/', StringComparison.Ordinal)).Take(2))).ToHashSet();
        foreach (var command in new[] { "demo", "identify", "probe", "sim", "certify", "show", "keys new", "report", "record verify", "db init", "db import", "db lab", "db ingest", "db status", "db log", "db verify", "db classify", "db lists", "db duplicates", "db audit", "triage", "lot verify" })
        {
            Assert.That(commands.Any(c => c == command || c.StartsWith(command + " ", StringComparison.Ordinal)), Is.True, $"no README example runs '{command}'; found: {string.Join(", ", commands)}");
        }
    }

    [TestCaseSource(nameof(Examples))]
    public async Task TheExample_RunsAsTheReadmeSays(Example example)
    {
        var output = new System.Text.StringBuilder();
        for (var i = 0; i < example.Commands.Count; i++)
        {
            var (code, text) = await RunAsync(example.Commands[i]);
            output.Append(text);
            var expected = i == example.Commands.Count - 1 ? example.Exit : 0;
            Assert.That(code, Is.EqualTo(expected), $"'{example.Commands[i]}' exited {code}, not {expected}:\n{text}");
        }

        Assert.That(output.ToString(), Does.Contain(example.Expect), "the line the README promises");
    }

    /// <summary>One README command through bash, with <c>conformitylab</c> the program built beside the tests.</summary>
    private async Task<(int Code, string Output)> RunAsync(string command)
    {
        var program = Cli.StartInfo();
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _scratch, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add($"conformitylab() {{ '{program.FileName}' '{program.ArgumentList[0]}' \"$@\"; }}\n{command}");
        foreach (var (key, value) in new[] { ("NO_COLOR", "1"), ("COLUMNS", "200") })
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(240));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }
}
