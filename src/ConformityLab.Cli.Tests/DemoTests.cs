using System.Diagnostics;
using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// <c>conformitylab demo</c>, the README's main job: the whole chain on the simulated bench, a
/// second run straight after the first, a folder of someone else's files refused, and everything
/// it started gone after Ctrl-C.
/// </summary>
[TestFixture]
public sealed class DemoTests
{
    [Test]
    public async Task Demo_RunsTheWholeChain_AndASecondRunStraightAfter()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"demo-{Guid.NewGuid():N}");
        var tmp = Directory.CreateTempSubdirectory("demo-tmp-").FullName;
        try
        {
            var first = await RunAsync(tmp, "demo", "--out", outDir, "--battery-seconds", "2");
            Assert.That(first.ExitCode, Is.EqualTo(0), first.Stdout + first.Stderr);
            Assert.That(first.Stdout, Does.Contain("the verification page matched the Pixel 8 report's QR code to its signed record in the log"));
            Assert.That(first.Stdout, Does.Contain("$ conformitylab db ingest").And.Contain("verified: 20 leaves"), "the records, the TAC file and the stolen list went into the log, which verifies");
            Assert.That(first.Stdout, Does.Match(@"Google Pixel 8, IMEI 358630142183500 / 358630142183518\s*│"), "the summary names each device's identity");
            Assert.That(first.Stdout, Does.Match(@"dead\s*│\s*could not be read\s*│\s*undetermined"), "the dead module is listed, not lost");
            Assert.That(first.Stdout, Does.Contain("db serve --db").And.Contain("/verify?record=").And.Contain("allure generate"), "it says how to open the page and the Allure report");

            var certify = Path.Combine(outDir, "certify");
            using var run = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(certify, "run.json")));
            var devices = run.RootElement.GetProperty("devices").EnumerateArray().ToList();
            Assert.That(devices, Has.Count.EqualTo(17));
            Assert.That(devices.Count(d => d.GetProperty("error").ValueKind != JsonValueKind.Null), Is.EqualTo(1), "only the dead module could not be run");
            Assert.That(File.Exists(Path.Combine(certify, "junit.xml")) && Directory.EnumerateFiles(Path.Combine(certify, "allure-results"), "*-result.json").Count() >= 17 * 31, Is.True);
            Assert.That(Directory.GetFiles(Path.Combine(certify, "devices"), "record.json", SearchOption.AllDirectories), Has.Length.EqualTo(17));
            var pixel = Directory.GetDirectories(Path.Combine(certify, "devices"), "Pixel_8*").Single();
            var verify = await Cli.RunAsync("record", "verify", Path.Combine(pixel, "record.json"), "--key", Path.Combine(outDir, "keys", "demo-lab.pub"));
            Assert.That(verify.ExitCode, Is.EqualTo(0), verify.Stdout + verify.Stderr);
            var logs = Directory.GetFiles(Path.Combine(outDir, "sims"), "*.jsonl");
            Assert.That(logs, Has.Length.EqualTo(17), "a command log per simulator");
            Assert.That(logs.Select(File.ReadAllText), Has.None.Contains("\"identifierWrite\":true"));
            Assert.That(Leftovers(tmp), Is.Empty, "no pty link or temporary folder left behind");

            var second = await RunAsync(tmp, "demo", "--out", outDir, "--battery-seconds", "1");
            Assert.That(second.ExitCode, Is.EqualTo(0), second.Stdout + second.Stderr);
            Assert.That(second.Stdout, Does.Contain("verified: 20 leaves"), "a fresh database, not the first run's with the records again");
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    [Test]
    public async Task Demo_RefusesAFolderOfFilesNoDemoWrote_AndTouchesNothingInIt()
    {
        var outDir = Directory.CreateTempSubdirectory("demo-foreign-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(outDir, "results.csv"), "someone's work");
            var result = await Cli.RunAsync("demo", "--out", outDir);
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Stderr, Does.Contain("holds files that no demo wrote; give --out a new or empty folder"));
            Assert.That(Directory.GetFileSystemEntries(outDir), Is.EqualTo(new[] { Path.Combine(outDir, "results.csv") }));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
    }

    [Test]
    public async Task Demo_StoppedByCtrlC_LeavesNoSimulatorAdbServerOrLinkBehind()
    {
        var outDir = Path.Combine(Path.GetTempPath(), $"demo-int-{Guid.NewGuid():N}");
        var tmp = Directory.CreateTempSubdirectory("demo-tmp-").FullName;
        try
        {
            var info = Cli.StartInfo("demo", "--out", outDir, "--battery-seconds", "120");
            info.Environment["TMPDIR"] = tmp;
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            var runJson = Path.Combine(outDir, "certify", "run.json");
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed < TimeSpan.FromSeconds(60) && !File.Exists(runJson))
            {
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.That(process.HasExited, Is.False, "the demo was still certifying when Ctrl-C came");
            var adbServers = AdbServerPids();
            using (var kill = Process.Start("kill", ["-s", "INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await process.WaitForExitAsync(cts.Token);
            Assert.That(process.ExitCode, Is.EqualTo(2), await stdout + await stderr);
            Assert.That(Leftovers(tmp), Is.Empty, "its pty folder is gone");
            Assert.That(AdbServerPids().Intersect(adbServers.Except(AdbServerPidsBefore)), Is.Empty, "its adb server is stopped");
            using var run = JsonDocument.Parse(await File.ReadAllTextAsync(runJson));
            Assert.That(run.RootElement.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        }
        finally
        {
            Directory.Delete(tmp, recursive: true);
            if (Directory.Exists(outDir))
            {
                Directory.Delete(outDir, recursive: true);
            }
        }
    }

    /// <summary>What is left in a temporary folder, but the adb server's own log (adb.&lt;uid&gt;.log, which adb keeps there).</summary>
    private static List<string> Leftovers(string tmp) =>
        Directory.EnumerateFileSystemEntries(tmp).Where(p => !System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(p), @"^adb\.\d+\.log$")).ToList();

    private static readonly IReadOnlyList<int> AdbServerPidsBefore = AdbServerPids();

    /// <summary>The adb servers running on this machine (their process ids).</summary>
    private static List<int> AdbServerPids() =>
        Process.GetProcessesByName("adb").Select(p => p.Id).ToList();

    private static Task<Cli.Result> RunAsync(string tmp, params string[] args)
    {
        var info = Cli.StartInfo(args);
        info.Environment["TMPDIR"] = tmp;
        return Cli.RunAsync(info, TimeSpan.FromSeconds(180));
    }
}
