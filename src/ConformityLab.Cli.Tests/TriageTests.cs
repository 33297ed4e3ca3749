using System.Text.Json;
using nietras.SeparatedValues;
using UglyToad.PdfPig;
using UglyToad.PdfPig.DocumentLayoutAnalysis.TextExtractor;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// A seized lot as a customs lab gets it: two modules that carry one IMEI (clones), a genuine
/// module that is on the stolen list, and a dead one; examined with 'triage' against a reference
/// database, then checked with 'lot verify', also after an evidence file was changed.
/// </summary>
[TestFixture]
public sealed class TriageTests
{
    [Test]
    public async Task Triage_FindsTheClonesAcrossTheLot_AsksTheDatabase_AndTheLotVerifiesUntilChanged()
    {
        var work = Directory.CreateTempSubdirectory("cl-triage-").FullName;
        try
        {
            // The reference database: the SIM7600's IMEI is reported stolen.
            var db = Path.Combine(work, "refdb.sqlite");
            var stolen = Path.Combine(work, "stolen.csv");
            await File.WriteAllTextAsync(stolen, "imei,reporting_date,status,reporting_country\n862459034021183,20261110,stolen,CH\n");
            Assert.That((await Cli.RunAsync("db", "init", "--db", db)).ExitCode, Is.Zero);
            Assert.That((await Cli.RunAsync("db", "import", "stolen", stolen, "--db", db)).ExitCode, Is.Zero);

            Assert.That((await Cli.RunAsync("keys", "new", "--out", Path.Combine(work, "keys"), "--name", "customs-lab")).ExitCode, Is.Zero);
            await using var dead = await Cli.SimProcess.StartAsync("dead");
            var lot = Path.Combine(work, "lot");
            var r = await Cli.RunAsync("triage", "sim:quectel-ec25", "sim:quectel-ec25", "sim:simcom-sim7600", "serial:" + dead.Link,
                "--lot", "L-42", "--seal", "S-778812", "--officer", "Officer =Demo", "--out", lot, "--db", db, "--received", "2026-12-01T08:00:00Z", "--device-timeout", "60", "--sign-key", Path.Combine(work, "keys", "customs-lab.key"));
            Assert.That(r.ExitCode, Is.EqualTo(2), "a device could not be examined\n" + r.Stderr);

            // The CSV: a row per device and IMEI, with every flag.
            using var csv = Sep.Reader().FromFile(Path.Combine(lot, "triage.csv"));
            var rows = csv.Enumerate(row => (Device: row["device"].ToString(), Target: row["target"].ToString(), Examined: row["examined"].ToString(), Imei: row["imei"].ToString(), Flags: row["flags"].ToString().Split(';', StringSplitOptions.RemoveEmptyEntries), Reason: row["reason"].ToString(), Lot: row["lot"].ToString())).ToList();
            Assert.That(rows, Has.Count.EqualTo(4));
            // Two simulators of one profile are two devices, clones of each other ("sim:quectel-ec25#2" is the second).
            var clones = rows.Where(x => x.Target.StartsWith("sim:quectel-ec25", StringComparison.Ordinal)).ToList();
            Assert.That(clones, Has.Count.EqualTo(2));
            Assert.That(clones.Select(c => c.Imei).Distinct().Single(), Is.EqualTo("861700031234563"));
            Assert.That(clones, Has.All.Matches<(string Device, string Target, string Examined, string Imei, string[] Flags, string Reason, string Lot)>(c => c.Flags.Contains("clone-in-lot") && !c.Flags.Contains("stolen")));
            var genuine = rows.Single(x => x.Target == "sim:simcom-sim7600");
            Assert.That(genuine.Flags, Does.Contain("stolen").And.Not.Contain("clone-in-lot"));
            var deadRow = rows.Single(x => x.Target.StartsWith("serial:", StringComparison.Ordinal));
            Assert.That(deadRow.Examined, Is.EqualTo("could not examine"));
            Assert.That(deadRow.Flags, Does.Contain("could-not-examine"));
            Assert.That(deadRow.Reason, Does.Contain("does not answer"));
            Assert.That(rows.Select(x => x.Lot).Distinct().Single(), Is.EqualTo("L-42"));

            // The lot report: chain of custody with the one evidence digest, the findings, the dead device.
            using var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(lot, "lot.json")));
            var digest = manifest.RootElement.GetProperty("evidenceSha256").GetString()!;
            using (var pdf = PdfDocument.Open(Path.Combine(lot, "lot-report.pdf")))
            {
                var text = string.Join("\n", pdf.GetPages().Select(p => ContentOrderTextExtractor.GetText(p)));
                Assert.That(text, Does.Contain("Chain of custody").And.Contain("S-778812").And.Contain("Officer =Demo").And.Contain("2026-12-01 08:00:00 UTC"));
                Assert.That(text.Replace("\n", string.Empty, StringComparison.Ordinal), Does.Contain(digest));
                Assert.That(text, Does.Contain("clone-in-lot").And.Contain("stolen").And.Contain("Devices that could not be examined"));
                Assert.That(text, Does.Contain("Annex A. Evidence files").And.Contain("run/run.json"));
            }

            // The evidence digest is that of the list as sha256sum writes it, and sha256sum -c checks the same files.
            var list = string.Concat(manifest.RootElement.GetProperty("evidence").EnumerateArray().Select(f => $"{f.GetProperty("sha256").GetString()}  {f.GetProperty("path").GetString()}\n"));
            Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(list))), Is.EqualTo(digest));
            var listFile = Path.Combine(work, "evidence.sha256");
            await File.WriteAllTextAsync(listFile, list);
            var check = new System.Diagnostics.ProcessStartInfo("sha256sum", ["-c", "--quiet", listFile]) { WorkingDirectory = lot, RedirectStandardOutput = true, RedirectStandardError = true };
            using (var sha256sum = System.Diagnostics.Process.Start(check)!)
            {
                var said = await sha256sum.StandardOutput.ReadToEndAsync() + await sha256sum.StandardError.ReadToEndAsync();
                await sha256sum.WaitForExitAsync();
                Assert.That(sha256sum.ExitCode, Is.Zero, said);
            }

            var pub = Path.Combine(work, "keys", "customs-lab.pub");
            var ok = await Cli.RunAsync("lot", "verify", lot, "--key", pub);
            Assert.That(ok.ExitCode, Is.Zero, ok.Stdout + ok.Stderr);
            Assert.That(ok.Stdout, Does.Contain($"evidence SHA-256 {digest}").And.Contain("the manifest is signed by"));

            // A manifest rewritten (another officer) is caught by its signature.
            var manifestPath = Path.Combine(lot, "lot.json");
            var original = await File.ReadAllTextAsync(manifestPath);
            await File.WriteAllTextAsync(manifestPath, original.Replace("Officer =Demo", "Officer Other", StringComparison.Ordinal));
            var rewritten = await Cli.RunAsync("lot", "verify", lot, "--key", pub);
            Assert.That(rewritten.ExitCode, Is.EqualTo(1));
            Assert.That(rewritten.Stdout, Does.Contain("CHANGED lot.json: its signature does not verify"));
            await File.WriteAllTextAsync(manifestPath, original);

            // One changed byte in a transcript, and the lot no longer verifies, naming the file.
            var transcript = Directory.EnumerateFiles(Path.Combine(lot, "run", "transcripts")).First();
            await File.AppendAllTextAsync(transcript, " ");
            var changed = await Cli.RunAsync("lot", "verify", lot);
            Assert.That(changed.ExitCode, Is.EqualTo(1));
            Assert.That(changed.Stdout, Does.Contain($"CHANGED run/transcripts/{Path.GetFileName(transcript)}: changed"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Test]
    public async Task Triage_RefusesAFolderThatHoldsSomething_AndAMissingSeal()
    {
        var work = Directory.CreateTempSubdirectory("cl-triage-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(work, "old.txt"), "earlier evidence");
            var full = await Cli.RunAsync("triage", "sim:quectel-ec25", "--lot", "L", "--seal", "S", "--officer", "O", "--out", work);
            Assert.That(full.ExitCode, Is.EqualTo(2));
            Assert.That(full.Stderr, Does.Contain("is not empty"));
            var twice = await Cli.RunAsync("triage", "serial:/dev/null", "serial:/dev/null", "--lot", "L", "--seal", "S", "--officer", "O", "--out", Path.Combine(work, "twice"));
            Assert.That(twice.ExitCode, Is.EqualTo(2));
            Assert.That(twice.Stderr, Does.Contain("'serial:/dev/null' is given 2 times: one device is examined once"));
            var noSeal = await Cli.RunAsync("triage", "sim:quectel-ec25", "--lot", "L", "--officer", "O", "--out", Path.Combine(work, "new"));
            Assert.That(noSeal.ExitCode, Is.EqualTo(2));
            Assert.That(noSeal.Stderr, Does.Contain("--seal"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [TestCase("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")")]
    [TestCase("+41 79", "'+41 79")]
    [TestCase("EC25", "EC25")]
    public void CsvCells_AreNeverFormulas(string value, string cell) => Assert.That(TriageCommand.Cell(value), Is.EqualTo(cell));
}
