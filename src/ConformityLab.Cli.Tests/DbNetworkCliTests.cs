namespace ConformityLab.Cli.Tests;

/// <summary>The network side from the command line: every bad input gets one clear line and exit 2, and what an operator's data holds never reaches a terminal or a spreadsheet as code.</summary>
[NonParallelizable]
public sealed class DbNetworkCliTests
{
    private const string Conditions = """
        conditions:
          - label: malformed
            reason: malformed IMEI
            dimensions:
              - module: malformed
            grace_period_days: 0
            blocking: true
            max_allowed_matching_ratio: 1
        """;

    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cl-net-cli-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "ref.sqlite");

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public async Task BadInput_GetsOneClearLine_AndExitTwo()
    {
        Assert.That((await Cli.RunAsync("db", "init", "--db", Db)).ExitCode, Is.Zero);
        var good = Write("op.csv", "date,imei,imsi,msisdn,rat\n20261101,353320110000016,001010000000001,99900000001,4G\n");
        var cases = new (string[] Args, string Says)[]
        {
            (["db", "import", "observations", good, "--operator", "../x", "--db", Db], "is not an operator id"),
            (["db", "import", "observations", Write("nohdr.csv", "date,imei,rat\n20261101,353320110000016,4G\n"), "--operator", "OP1", "--db", Db], "has no imsi, msisdn column"),
            (["db", "import", "observations", Path.Combine(_dir, "missing.csv"), "--operator", "OP1", "--db", Db], "does not exist"),
            (["db", "classify", "--conditions", Write("bad.yaml", "conditions:\n  - label: x\n    dimensions:\n      - module: teleport\n"), "--db", Db], "'teleport' is not a dimension"),
            (["db", "classify", "--conditions", Write("bad2.yaml", "conditions:\n  - label: x\n    dimensions:\n      - module: duplicate_threshold\n        parameters: {threshold: 1, period_days: 30}\n"), "--db", Db], "threshold is '1', not an integer from 2"),
            (["db", "lists", "generate", "--out", Path.Combine(_dir, "lists"), "--db", Db], "no classification has run"),
            (["db", "audit", "OP1", good, "--db", Db], "no lists have been generated"),
            (["db", "duplicates", "--window", "0", "--db", Db], "--window 1 to 366"),
        };
        foreach (var (args, says) in cases)
        {
            var result = await Cli.RunAsync(args);
            Assert.That(result.ExitCode, Is.EqualTo(2), $"{string.Join(' ', args)}: {result.Stdout}{result.Stderr}");
            Assert.That(result.Stderr, Does.Contain(says), string.Join(' ', args));
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), $"one line: {result.Stderr}");
        }
    }

    [Test]
    public async Task HostileValues_AreRefusedOrDefused_OnTheirWayToTerminalsAndSpreadsheets()
    {
        Assert.That((await Cli.RunAsync("db", "init", "--db", Db)).ExitCode, Is.Zero);

        // An escape sequence in an IMEI or a region is refused with its line; a formula is a real (malformed) value, kept, and defused in the lists.
        var csv = Write("op.csv", "date,imei,imsi,msisdn,rat,region\n"
            + "20261101,353320110000016,001010000000001,99900000001,4G,north\n"
            + "20261101,\u001b]0;pwned\u0007,001010000000002,99900000002,4G,north\n"
            + "20261101,353320110000024,001010000000003,99900000003,4G,\u001b[31mred\n"
            + "20261101,\"=HYPERLINK(\"\"x\"\")\",001010000000004,99900000004,4G,north\n");
        var import = await Cli.RunAsync("db", "import", "observations", csv, "--operator", "OP1", "--max-rejected", "60", "--db", Db);
        Assert.That(import.ExitCode, Is.Zero, import.Stderr);
        Assert.That(import.Stderr, Does.Contain("line 3:").And.Contain("line 4:"));
        Assert.That((import.Stdout + import.Stderr).Contains('\u001b', StringComparison.Ordinal), Is.False, "no escape reaches the terminal");

        var classify = await Cli.RunAsync("db", "classify", "--conditions", Write("c.yaml", Conditions), "--as-of", "2026-11-30", "--db", Db);
        Assert.That(classify.ExitCode, Is.Zero, classify.Stdout + classify.Stderr);
        var lists = await Cli.RunAsync("db", "lists", "generate", "--out", Path.Combine(_dir, "lists"), "--db", Db);
        Assert.That(lists.ExitCode, Is.Zero, lists.Stderr);
        var block = File.ReadAllLines(Path.Combine(_dir, "lists", "generation-0001", "block-list.csv"));
        Assert.That(block, Has.Length.EqualTo(2));
        Assert.That(block[1], Does.StartWith("\"'=HYPERLINK(\"\"X\"\")\","), "quoted, and prefixed so that no spreadsheet runs it");
    }
}
