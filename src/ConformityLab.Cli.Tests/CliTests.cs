using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>The conformitylab program as an operator runs it.</summary>
public class CliTests
{
    [Test]
    public async Task SimList_ListsEveryShippedProfile()
    {
        var r = await Cli.RunAsync("sim", "--list");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        foreach (var name in new[] { "quectel-ec25", "simcom-sim7600", "nordic-nrf9160", "mtk-counterfeit-phone", "quectel-bg96-zero-imei", "telit-le910-noisy", "dead" })
        {
            Assert.That(r.Stdout, Does.Contain(name));
        }
    }

    [Test]
    public async Task IdentifyJson_OnASimulatedModule()
    {
        await using var sim = await Cli.SimProcess.StartAsync("quectel-ec25");
        var transcript = Path.Combine(Path.GetTempPath(), $"cli-transcript-{Guid.NewGuid():N}.jsonl");
        var r = await Cli.RunAsync("identify", "serial:" + sim.Link, "--json", "--transcript", transcript);
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);

        using var json = JsonDocument.Parse(r.Stdout);
        var root = json.RootElement;
        Assert.That(root.GetProperty("target").GetString(), Does.StartWith("serial:" + sim.Link));
        Assert.That(root.GetProperty("transport").GetString(), Is.EqualTo("at"));
        Assert.That(root.GetProperty("manufacturer").GetString(), Is.EqualTo("Quectel"));
        Assert.That(root.GetProperty("model").GetString(), Is.EqualTo("EC25"));
        Assert.That(root.GetProperty("revision").GetString(), Is.EqualTo("EC25EFAR06A06M4G"));
        Assert.That(root.GetProperty("imeis").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "861700031234563" }));
        Assert.That(root.GetProperty("imeisv").GetString(), Is.EqualTo("8617000312345601"));
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.That(findings.Select(f => f.GetProperty("id").GetString()), Is.SupersetOf(new[]
        {
            "imei.format", "imei.luhn", "imei.placeholder", "imei.test-tac", "imei.consistency", "imei.slots-distinct", "imeisv.consistency", "imeisv.svn",
        }));
        Assert.That(findings.Select(f => f.GetProperty("verdict").GetString()), Is.All.AnyOf("none", "pass", "inconc", "fail", "error"));
        var luhn = findings.Single(f => f.GetProperty("id").GetString() == "imei.luhn");
        Assert.That(luhn.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()), Has.Some.StartsWith("AT+CGSN"));

        var saved = await File.ReadAllLinesAsync(transcript);
        Assert.That(saved, Has.Some.Contains("AT+CGSN=1\\\\r"));
        File.Delete(transcript);

        Assert.That(await sim.StopAsync(), Is.Zero);
        Assert.That(sim.Stdout, Does.Contain("\"command\":\"AT+CGSN\""), "the simulator logs the commands it received");
        Assert.That(sim.Stdout, Does.Not.Contain("\"identifierWrite\":true"));
        Assert.That(File.Exists(sim.Link), Is.False, "the simulator removed its link");
    }

    [Test]
    public async Task IdentifyTable_AndNonConformityExitCode()
    {
        await using var sim = await Cli.SimProcess.StartAsync("mtk-counterfeit-phone");
        var r = await Cli.RunAsync("identify", sim.Link);
        Assert.That(r.ExitCode, Is.EqualTo(1), "non-conformities found");
        Assert.That(r.Stdout, Does.Contain("IMEI slot 2").And.Contain("123456789012345").And.Contain("imei.slots-distinct"));
        Assert.That(r.Stdout, Does.Contain("overall: fail"));
    }

    [Test]
    public async Task Batch_DeadDeviceNeverStopsTheOthers_SummaryAndFilesForEach()
    {
        await using var genuine = await Cli.SimProcess.StartAsync("nordic-nrf9160");
        await using var fake = await Cli.SimProcess.StartAsync("mtk-counterfeit-phone");
        await using var dead = await Cli.SimProcess.StartAsync("dead");
        var outDir = Path.Combine(Path.GetTempPath(), $"cli-batch-{Guid.NewGuid():N}");
        var r = await Cli.RunAsync("identify", genuine.Link, dead.Link, fake.Link, "--out", outDir);

        Assert.That(r.ExitCode, Is.EqualTo(2), "a device could not be run");
        Assert.That(r.Stdout, Does.Contain("3 devices: 2 identified, 1 with non-conformities").And.Contain("1 could not run"));
        Assert.That(r.Stderr, Does.Contain("[3/3]"), "progress is reported as devices finish");
        // Files are named as a person would name the device: its model and the last digits of its IMEI.
        var genuineJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "nRF9160-SICA-1259.json"))).RootElement;
        Assert.That(genuineJson.GetProperty("imeis")[0].GetString(), Is.EqualTo("352404610301259"));
        var fakeJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "SM-S928B-2345.json"))).RootElement;
        Assert.That(fakeJson.GetProperty("manufacturer").GetString(), Is.EqualTo("SAMSUNG"));
        var deadJson = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, Path.GetFileName(dead.Link) + ".json"))).RootElement;
        Assert.That(deadJson.GetProperty("error").GetString(), Does.Contain("does not answer AT"));
        Assert.That(Directory.GetFiles(outDir, "*.transcript.jsonl"), Has.Length.EqualTo(3), "every device's evidence is kept, the dead one's too");
        Directory.Delete(outDir, recursive: true);
    }

    [Test]
    public async Task SimLog_OneJsonLinePerCommandReceived()
    {
        var log = Path.Combine(Path.GetTempPath(), $"sim-log-{Guid.NewGuid():N}.jsonl");
        await using (var sim = await Cli.SimProcess.StartAsync("mtk-counterfeit-phone", "--log", log))
        {
            Assert.That((await Cli.RunAsync("identify", sim.Link)).ExitCode, Is.EqualTo(1));
            Assert.That(await sim.StopAsync(), Is.Zero);
        }

        var entries = (await File.ReadAllLinesAsync(log)).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(entries.Select(e => e.GetProperty("command").GetString()), Does.Contain("AT+EGMR=0,10").And.Contain("AT+CGSN"));
        Assert.That(entries.Select(e => e.GetProperty("identifierWrite").GetBoolean()), Is.All.False);
        File.Delete(log);
    }

    [Test]
    public async Task Devices_PortsGivenByPath_FreeOrMissing()
    {
        await using var sim = await Cli.SimProcess.StartAsync("quectel-ec25");
        var r = await Cli.RunAsync("devices", sim.Link, "/dev/conformitylab-missing", "--adb-server", "127.0.0.1:9");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        var rows = r.Stdout.Split('\n');
        Assert.That(rows.Single(l => l.Contains(Path.GetFileName(sim.Link), StringComparison.Ordinal)), Does.Contain("free"));
        Assert.That(rows.Single(l => l.Contains("conformitylab-missing", StringComparison.Ordinal)), Does.Contain("missing"));
        Assert.That(r.Stderr, Does.Contain("ADB devices not listed"), "no adb server there: said on stderr, the serial ports still listed");
    }

    [Test]
    public async Task Devices_NothingAttached_SaysWhichAdbServerItAsked()
    {
        await using var server = await Cli.StartAdbServerAsync();
        var r = await Cli.RunAsync("devices", "--adb-server", $"127.0.0.1:{server.Port}");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stderr, Does.Contain($"the adb server at 127.0.0.1:{server.Port} lists 0 device(s)").And.Contain("--adb-server"));
    }

    [Test]
    public async Task MissingPort_OneLineErrorExit2()
    {
        var r = await Cli.RunAsync("identify", "serial:/dev/conformitylab-missing");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("no such device"));
    }

    [Test]
    public async Task DeadDevice_OneLineErrorExit2_WithinBoundedTime_TranscriptKept()
    {
        await using var sim = await Cli.SimProcess.StartAsync("dead");
        var transcript = Path.Combine(Path.GetTempPath(), $"cli-dead-{Guid.NewGuid():N}.jsonl");
        var r = await Cli.RunAsync("identify", sim.Link, "--json", "--transcript", transcript);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("does not answer AT"));
        Assert.That(r.Stdout, Is.Empty);
        Assert.That(r.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)));
        Assert.That(await File.ReadAllTextAsync(transcript), Does.Contain("\"dir\":\"tx\""), "the evidence of the failed session was saved");
        File.Delete(transcript);
    }

    [TestCase("usb:/dev/ttyUSB0", "is not a target")]
    [TestCase("serial:/dev/ttyUSB0?baud=fast", "not a valid baud")]
    [TestCase("serial:/dev/ttyUSB0?flow=rts", "unknown serial option")]
    public async Task BadTarget_ClearError(string target, string message)
    {
        var r = await Cli.RunAsync("identify", target);
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain(message));
    }

    [Test]
    public async Task SimUnknownProfile_ListsTheKnownOnes()
    {
        var r = await Cli.RunAsync("sim", "no-such-modem", "--pty", Path.Combine(Path.GetTempPath(), "never"));
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr, Does.Contain("no modem profile 'no-such-modem'").And.Contain("quectel-ec25"));
    }
}
