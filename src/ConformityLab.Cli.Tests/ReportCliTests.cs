using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>
/// The report commands as a lab engineer meets them: certify writes each device's report, signed
/// record and transcript; 'record verify' and OpenSSL accept it; a changed byte is named; bad
/// input is one line and exit code 2.
/// </summary>
[NonParallelizable]
public sealed class ReportCliTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cl-report-cli-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private async Task<(string Key, string Pub)> NewKeyAsync()
    {
        var keys = await Cli.RunAsync("keys", "new", "--out", _dir, "--name", "lab");
        Assert.That(keys.ExitCode, Is.Zero, keys.Stderr);
        Assert.That(keys.Stdout, Does.Contain("key id"));
        return (Path.Combine(_dir, "lab.key"), Path.Combine(_dir, "lab.pub"));
    }

    private async Task<string> CertifyAsync(string key, params string[] more)
    {
        var run = Path.Combine(_dir, "run");
        var result = await Cli.RunAsync(["certify", "sim:quectel-ec25", "--plan", "pretest", "--out", run, "--sign-key", key, .. more]);
        Assert.That(result.ExitCode, Is.Not.EqualTo(2), result.Stderr);
        return run;
    }

    [Test]
    public async Task Certify_WritesASignedRecord_ThatRecordVerifyAndOpenSslAccept()
    {
        var (key, pub) = await NewKeyAsync();
        var run = await CertifyAsync(key, "--set", "Lab:Address=1 Test Street", "--set", "Lab:Authoriser:Name=A. Tester", "--set", "Lab:Authoriser:Role=Technical manager");
        var device = Path.Combine(run, "devices", "EC25-4563");
        Assert.That(Directory.GetFiles(device).Select(Path.GetFileName), Is.EquivalentTo(new[] { "report.pdf", "record.json", "transcript.jsonl" }));

        var verify = await Cli.RunAsync("record", "verify", Path.Combine(device, "record.json"), "--key", pub);
        Assert.That(verify.ExitCode, Is.Zero, verify.Stdout + verify.Stderr);
        Assert.That(verify.Stdout, Does.Contain("ok       signature").And.Contain("ok       pdf").And.Contain("ok       transcript").And.Contain("861700031234563"));

        // OpenSSL, from the record as a third party would take it apart: the canonical bytes of "record", the signature's bytes.
        using var envelope = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(device, "record.json")));
        Assert.That(envelope.RootElement.GetProperty("record").GetProperty("status").GetString(), Is.EqualTo("issued"));
        var message = Path.Combine(_dir, "record.jcs");
        var signature = Path.Combine(_dir, "record.sig");
        await File.WriteAllBytesAsync(message, Records.Jcs.Canonicalize(envelope.RootElement.GetProperty("record")));
        await File.WriteAllBytesAsync(signature, Convert.FromBase64String(envelope.RootElement.GetProperty("signature").GetProperty("value").GetString()!));
        // The README's Python one-liner gives the same canonical bytes for a record like this one.
        var python = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, WorkingDirectory = device };
        python.ArgumentList.Add("-c");
        python.ArgumentList.Add("import json,sys; r=json.load(open(\"record.json\"))[\"record\"]; sys.stdout.write(json.dumps(r, ensure_ascii=False, sort_keys=True, separators=(\",\", \":\")))");
        using (var py = System.Diagnostics.Process.Start(python)!)
        {
            using var bytes = new MemoryStream();
            await py.StandardOutput.BaseStream.CopyToAsync(bytes);
            await py.WaitForExitAsync();
            Assert.That(bytes.ToArray(), Is.EqualTo(await File.ReadAllBytesAsync(message)), "python's sorted, compact JSON is the record's JCS form");
        }

        var start = new System.Diagnostics.ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", message, "-sigfile", signature })
        {
            start.ArgumentList.Add(a);
        }

        using var openssl = System.Diagnostics.Process.Start(start)!;
        var output = await openssl.StandardOutput.ReadToEndAsync() + await openssl.StandardError.ReadToEndAsync();
        await openssl.WaitForExitAsync();
        Assert.That(openssl.ExitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("Signature Verified Successfully"));
    }

    [TestCase("record.json", "signature")]
    [TestCase("report.pdf", "pdf")]
    [TestCase("transcript.jsonl", "transcript")]
    public async Task OneByteChanged_ExitsOne_AndNamesWhatDoesNotMatch(string file, string check)
    {
        var (key, pub) = await NewKeyAsync();
        var device = Path.Combine(await CertifyAsync(key), "devices", "EC25-4563");
        var path = Path.Combine(device, file);
        var bytes = await File.ReadAllBytesAsync(path);
        var at = file == "record.json" ? System.Text.Encoding.UTF8.GetString(bytes).IndexOf("\"EC25\"", StringComparison.Ordinal) + 1 : bytes.Length / 2;
        bytes[at] ^= 0x01;
        await File.WriteAllBytesAsync(path, bytes);

        var verify = await Cli.RunAsync("record", "verify", Path.Combine(device, "record.json"), "--key", pub);
        Assert.That(verify.ExitCode, Is.EqualTo(1), verify.Stdout + verify.Stderr);
        Assert.That(verify.Stdout, Does.Contain($"MISMATCH {check}").And.Contain("NOT verified"));
    }

    [Test]
    public async Task WithoutLabFacts_CertifySaysTheReportsAreDrafts_AndWithoutAKey_Unsigned()
    {
        var run = Path.Combine(_dir, "run");
        var result = await Cli.RunAsync("certify", "sim:quectel-ec25", "--plan", "pretest", "--out", run);
        Assert.That(result.Stderr, Does.Contain("the reports are drafts").And.Contain("Lab:Address").And.Contain("the records are unsigned"));
        using var envelope = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(run, "devices", "EC25-4563", "record.json")));
        Assert.That(envelope.RootElement.GetProperty("record").GetProperty("status").GetString(), Is.EqualTo("draft"));
        Assert.That(envelope.RootElement.GetProperty("signature").ValueKind, Is.EqualTo(JsonValueKind.Null));
    }

    [Test]
    public async Task Report_RendersARunAgain_AndAmends()
    {
        var (key, pub) = await NewKeyAsync();
        var run = await CertifyAsync(key, "--set", "Lab:Address=1 Test Street", "--set", "Lab:Authoriser:Name=A. Tester", "--set", "Lab:Authoriser:Role=Technical manager");
        var again = Path.Combine(_dir, "again");
        var report = await Cli.RunAsync("report", run, "--out", again, "--sign-key", key);
        Assert.That(report.ExitCode, Is.Zero, report.Stderr);
        Assert.That(File.Exists(Path.Combine(again, "devices", "EC25-4563", "report.pdf")), Is.True);

        var original = Path.Combine(run, "devices", "EC25-4563", "record.json");
        var noReason = await Cli.RunAsync("report", run, "--amend", original);
        Assert.That(noReason.ExitCode, Is.EqualTo(2));
        Assert.That(noReason.Stderr, Does.Contain("--reason"));

        var amend = await Cli.RunAsync("report", run, "--amend", original, "--reason", "sample id corrected", "--sign-key", key);
        Assert.That(amend.ExitCode, Is.Zero, amend.Stderr);
        var amended = Directory.GetDirectories(Path.Combine(run, "amendments")).Single();
        Assert.That(Path.GetFileName(amended), Does.EndWith("-EC25-4563-A1"));
        var verify = await Cli.RunAsync("record", "verify", Path.Combine(amended, "record.json"), "--key", pub);
        Assert.That(verify.ExitCode, Is.Zero, verify.Stdout + verify.Stderr);
        Assert.That(verify.Stdout, Does.Contain("(amended)"));
    }

    [Test]
    public async Task BadInput_IsOneLine_AndExitTwo()
    {
        var (key, pub) = await NewKeyAsync();
        var record = Path.Combine(_dir, "record.json");
        var cases = new List<(string[] Args, string Says)>
        {
            (["record", "verify", Path.Combine(_dir, "missing.json"), "--key", pub], "missing.json"),
            (["record", "verify", pub, "--key", pub], "not a JSON document"),
            (["record", "verify", record, "--key", key], "is expected"),
            (["record", "verify", record], "--key"),
            (["certify", "sim:quectel-ec25", "--sign-key", pub], "the signing key cannot be used"),
            (["report", Path.Combine(_dir, "nowhere")], "holds no run.json"),
            (["keys", "new", "--out", _dir, "--name", "lab"], "exists already"),
        };
        await File.WriteAllTextAsync(record, "{\"record\": {\"schema\": \"conformitylab.record/1\", \"recordId\": \"x\"");
        cases.Add((["record", "verify", record, "--key", pub], "not a JSON document"));
        foreach (var (args, says) in cases)
        {
            var result = await Cli.RunAsync(args);
            Assert.That(result.ExitCode, Is.EqualTo(2), string.Join(' ', args) + ": " + result.Stderr);
            Assert.That(result.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1), string.Join(' ', args) + ": " + result.Stderr);
            Assert.That(result.Stderr, Does.Contain(says).And.Not.Contain("   at "), string.Join(' ', args));
        }

        // A record signed by another lab's key cannot be checked with this one: said, not a stack trace.
        var other = Path.Combine(_dir, "other");
        Assert.That((await Cli.RunAsync("keys", "new", "--out", other)).ExitCode, Is.Zero);
        var run = await CertifyAsync(key);
        var wrongKey = await Cli.RunAsync("record", "verify", Path.Combine(run, "devices", "EC25-4563", "record.json"), "--key", Path.Combine(other, "lab.pub"));
        Assert.That(wrongKey.ExitCode, Is.EqualTo(2));
        Assert.That(wrongKey.Stderr, Does.Contain("names the key"));
    }
}
