using System.Diagnostics;
using System.Text;

namespace ConformityLab.Cli.Tests;

/// <summary>The reference database from the command line: the chain from certify to ingest and status, atomic imports under kill -9, and bad input.</summary>
[NonParallelizable]
public sealed class DbCliTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cl-db-cli-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private string Db => Path.Combine(_dir, "ref.sqlite");

    private static string StolenCsv(int rows, int offset = 0)
    {
        var text = new StringBuilder("imei,reporting_date,status\n");
        var random = new Random(7);
        foreach (var i in Enumerable.Range(offset, rows).OrderBy(_ => random.Next()))
        {
            text.Append(35000000000000L + i).Append("0,20261101,stolen\n");
        }

        return text.ToString();
    }

    [Test]
    public async Task CertifiedRecord_IsIngested_AndAnswersStatus()
    {
        Assert.That((await Cli.RunAsync("keys", "new", "--out", _dir)).ExitCode, Is.Zero);
        var run = Path.Combine(_dir, "run");
        var certify = await Cli.RunAsync("certify", "sim:quectel-ec25", "--plan", "pretest", "--out", run, "--sign-key", Path.Combine(_dir, "lab.key"),
            "--set", "Lab:Address=1 Test Street", "--set", "Lab:Authoriser:Name=A. Tester", "--set", "Lab:Authoriser:Role=Technical manager");
        Assert.That(certify.ExitCode, Is.Not.EqualTo(2), certify.Stderr);
        Assert.That((await Cli.RunAsync("db", "init", "--db", Db)).ExitCode, Is.Zero);
        var record = Path.Combine(run, "devices", "EC25-4563", "record.json");

        var unknown = await Cli.RunAsync("db", "ingest", record, "--db", Db);
        Assert.That(unknown.ExitCode, Is.EqualTo(1));
        Assert.That(unknown.Stderr, Does.Contain("refused").And.Contain("no registered lab"));

        Assert.That((await Cli.RunAsync("db", "lab", "add", "Test lab", "--key", Path.Combine(_dir, "lab.pub"), "--valid-from", "2020-01-01", "--db", Db)).ExitCode, Is.Zero);
        var ingest = await Cli.RunAsync("db", "ingest", record, record, "--db", Db);
        Assert.That(ingest.ExitCode, Is.Zero, ingest.Stderr);
        Assert.That(ingest.Stdout, Does.Contain("stored").And.Contain("already stored"));

        var status = await Cli.RunAsync("db", "status", "861700031234563", "--json", "--db", Db);
        Assert.That(status.ExitCode, Is.Zero, status.Stderr);
        Assert.That(status.Stdout, Does.Contain("\"counterfeit-or-tampered\"").And.Contain("Test lab"));
        var verify = await Cli.RunAsync("db", "verify", "--db", Db);
        Assert.That(verify.ExitCode, Is.Zero, verify.Stdout);
    }

    [Test]
    public async Task KillMinusNine_DuringAMillionRowImport_LeavesTheDatabaseAsItWas()
    {
        Assert.That((await Cli.RunAsync("db", "init", "--db", Db)).ExitCode, Is.Zero);
        var small = Path.Combine(_dir, "small.csv");
        await File.WriteAllTextAsync(small, StolenCsv(100));
        Assert.That((await Cli.RunAsync("db", "import", "stolen", small, "--db", Db)).ExitCode, Is.Zero);
        var big = Path.Combine(_dir, "big.csv");
        await File.WriteAllTextAsync(big, StolenCsv(1_000_000, offset: 1000));

        using var process = Process.Start(Cli.StartInfo("db", "import", "stolen", big, "--db", Db))!;
        // The bulk load is under way once the write-ahead log grows; kill it there.
        var wal = Db + "-wal";
        var watch = Stopwatch.StartNew();
        while (!(File.Exists(wal) && new FileInfo(wal).Length > 8_000_000) && !process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(20);
        }

        Assert.That(process.HasExited, Is.False, "the import ended before it could be killed mid-way");
        process.Kill();
        await process.WaitForExitAsync();

        var status = await Cli.RunAsync("db", "status", "350000000010000", "350000000000000", "--json", "--db", Db);
        Assert.That(status.ExitCode, Is.Zero, status.Stderr);
        var flags = System.Text.Json.JsonDocument.Parse(status.Stdout).RootElement.EnumerateArray().Select(s => s.GetProperty("stolen").ValueKind).ToList();
        Assert.That(flags, Is.EqualTo(new[] { System.Text.Json.JsonValueKind.Null, System.Text.Json.JsonValueKind.Object }), "none of the killed import's rows, every row of the one before");
        var verify = await Cli.RunAsync("db", "verify", "--db", Db);
        Assert.That(verify.ExitCode, Is.Zero, verify.Stdout);
    }

    [Test]
    public async Task BadInput_IsOneLine_AndExitTwo()
    {
        var csv = Path.Combine(_dir, "wrong.csv");
        await File.WriteAllTextAsync(csv, "serial,when\n1,2\n");
        foreach (var (args, says) in new (string[], string)[]
        {
            (["db", "import", "stolen", csv, "--db", Db], "has no imei, reporting_date, status column"),
            (["db", "import", "stolen", Path.Combine(_dir, "none.csv"), "--db", Db], "does not exist"),
            (["db", "status", "--db", Db], "at least one IMEI"),
            (["db", "log", "prove", "99", "--db", Db], "not in a tree"),
            (["db", "log", "consistency", "3", "2", "--db", Db], "sizes must satisfy"),
            (["db", "lab", "revoke", "nobody", "--db", Db], "no lab 'nobody'"),
            (["db", "verify", "--db", "Host=127.0.0.1;Port=1;Database=x;Username=x;Timeout=2"], "cannot be opened"),
        })
        {
            var result = await Cli.RunAsync(args);
            Assert.That(result.ExitCode, Is.EqualTo(2), string.Join(' ', args) + ": " + result.Stderr);
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), string.Join(' ', args) + ": " + result.Stderr);
            Assert.That(result.Stderr, Does.Contain(says).And.Not.Contain("   at "), string.Join(' ', args));
        }
    }
}
