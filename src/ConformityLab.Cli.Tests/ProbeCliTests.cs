using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary><c>conformitylab probe</c> and <c>probes --list</c>: the real program against simulator processes (ptys and the real adb server).</summary>
[NonParallelizable]
public class ProbeCliTests
{
    internal static string TacSample
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "fixtures", "tac", "gsma-sample.txt");
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new FileNotFoundException("fixtures/tac/gsma-sample.txt not found above the test directory");
        }
    }

    private static Dictionary<string, string> Verdicts(JsonElement root) =>
        root.GetProperty("identity").GetProperty("findings").EnumerateArray()
            .Concat(root.GetProperty("probes").EnumerateArray())
            .ToDictionary(f => f.GetProperty("id").GetString()!, f => f.GetProperty("verdict").GetString()!);

    [Test]
    public async Task ProbesList_PrintsTheCatalogue()
    {
        var r = await Cli.RunAsync("probes", "--list");
        Assert.That(r.ExitCode, Is.Zero, r.Stderr);
        Assert.That(r.Stdout, Does.Contain("id.write-command").And.Contain("id.stable-across-reset").And.Contain("intrusive").And.Contain("battery.thermal").And.Contain("TS 22.016"));

        var json = await Cli.RunAsync("probes", "--list", "--json");
        var probes = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.That(probes.Select(p => p.GetProperty("id").GetString()), Does.Contain("imei.tac-known").And.Contain("hazard.not-measurable"));
        Assert.That(probes.Select(p => p.GetProperty("level").GetString()), Has.All.AnyOf("passive", "active", "intrusive"));
    }

    [Test]
    public async Task CounterfeitPort_Json_ExitsOne_AndTheSimulatorLogShowsNoWriteForm()
    {
        await using var sim = await Cli.SimProcess.StartAsync("mtk-counterfeit-phone");
        var r = await Cli.RunAsync("probe", sim.Link, "--tac-db", TacSample, "--json");
        Assert.That(r.ExitCode, Is.EqualTo(1), r.Stdout + r.Stderr);
        var root = JsonDocument.Parse(r.Stdout).RootElement;
        Assert.That(root.GetProperty("identity").GetProperty("imeis").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "123456789012345", "123456789012345" }));
        var verdicts = Verdicts(root);
        Assert.That(verdicts.Where(v => v.Value == "fail").Select(v => v.Key), Is.EquivalentTo(new[]
        {
            "imei.luhn", "imei.placeholder", "imei.slots-distinct", "manufacturer.consistency", "model.consistency", "id.write-command", "imei.tac-matches-device",
        }));
        Assert.That(verdicts["id.stable-across-reset"], Is.EqualTo("none"));
        Assert.That(root.GetProperty("verdict").GetString(), Is.EqualTo("fail"));

        await sim.StopAsync();
        var commands = sim.Stdout.Split('\n').Where(l => l.StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(commands.Select(c => c.GetProperty("command").GetString()), Does.Contain("AT+EGMR=?"));
        Assert.That(commands.Where(c => c.GetProperty("identifierWrite").GetBoolean()), Is.Empty);
        Assert.That(commands.Select(c => c.GetProperty("command").GetString()), Has.None.StartsWith("AT+CFUN"));
    }

    [Test]
    public async Task GenuineModule_ExitsZero_AndAllowIntrusiveRunsTheReset()
    {
        await using var sim = await Cli.SimProcess.StartAsync("quectel-ec25");
        var r = await Cli.RunAsync("probe", sim.Link, "--tac-db", TacSample, "--allow-intrusive", "--json");
        Assert.That(r.ExitCode, Is.Zero, r.Stdout + r.Stderr);
        var verdicts = Verdicts(JsonDocument.Parse(r.Stdout).RootElement);
        Assert.That(verdicts.Values, Has.None.EqualTo("fail"));
        Assert.That(verdicts["id.write-command"], Is.EqualTo("pass"));
        Assert.That(verdicts["id.stable-across-reset"], Is.EqualTo("pass"));
        Assert.That(verdicts["imei.tac-known"], Is.EqualTo("pass"));
        Assert.That(verdicts["imei.tac-matches-device"], Is.EqualTo("pass"));

        await sim.StopAsync();
        Assert.That(sim.Stdout, Does.Contain("\"command\":\"AT+CFUN=1,1\""));
        Assert.That(sim.Stdout, Does.Not.Contain("\"identifierWrite\":true"));
    }

    [Test]
    public async Task WithoutTacDb_TacChecksAreInconc()
    {
        await using var sim = await Cli.SimProcess.StartAsync("sierra-mc7455");
        var r = await Cli.RunAsync("probe", sim.Link, "--probe", "imei.tac-known", "--probe", "imei.tac-matches-device", "--json");
        Assert.That(r.ExitCode, Is.EqualTo(3), "a reference the lab did not supply leaves conformity undetermined: " + r.Stderr);
        var probes = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("probes").EnumerateArray().ToList();
        Assert.That(probes.Select(p => p.GetProperty("id").GetString()), Is.EqualTo(new[] { "imei.tac-known", "imei.tac-matches-device" }));
        Assert.That(probes.Select(p => p.GetProperty("verdict").GetString()), Has.All.EqualTo("inconc"));
        Assert.That(probes.Select(p => p.GetProperty("reason").GetString()), Has.All.Contains("--tac-db"), "names what to supply");
        Assert.That(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("conformity").GetString(), Is.EqualTo("undetermined"));
    }

    [TestCase(new[] { "probe" }, "target is required")]
    [TestCase(new[] { "probe", "/dev/null-nothing", "--probe", "no.such" }, "unknown probe 'no.such'")]
    [TestCase(new[] { "probe", "/dev/null-nothing", "--tac-db", "/nonexistent/tac.txt" }, "no file")]
    [TestCase(new[] { "probe", "/dev/nonexistent-conformitylab-port" }, "/dev/nonexistent-conformitylab-port")]
    public async Task CouldNotRun_ExitsTwo_WithOneLine(string[] args, string message)
    {
        var r = await Cli.RunAsync(args);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.Stdout + r.Stderr);
        Assert.That(r.Stderr, Does.Contain(message));
    }

    [Test]
    public async Task BadTacRows_AreReportedWithLineNumbers_AndTheGoodOnesUsed()
    {
        await using var sim = await Cli.SimProcess.StartAsync("sierra-mc7455");
        var tac = Path.Combine(Path.GetTempPath(), $"tac-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(tac, "TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields\n35907206|Sierra Wireless Inc|MC7455||21-Jun-2016|Module|\n1234|broken\n");
        try
        {
            var r = await Cli.RunAsync("probe", sim.Link, "--tac-db", tac, "--probe", "imei.tac-known", "--json");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            Assert.That(r.Stderr, Does.Contain("line 3:").And.Contain("row skipped"));
            var probe = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("probes")[0];
            Assert.That(probe.GetProperty("verdict").GetString(), Is.EqualTo("pass"));
        }
        finally
        {
            File.Delete(tac);
        }
    }

    [Test]
    public async Task SpecFile_DeclaredValuesAreRecorded_NeverMeasured()
    {
        await using var sim = await Cli.SimProcess.StartAsync("sierra-mc7455");
        var spec = Path.Combine(Path.GetTempPath(), $"spec-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(spec, """{ "declared": { "sarHeadWkg": 0.99, "maxRfPowerDbm": 23, "substances": "RoHS 2011/65/EU declared" } }""");
        try
        {
            var r = await Cli.RunAsync("probe", sim.Link, "--spec", spec, "--probe", "hazard.not-measurable", "--json");
            Assert.That(r.ExitCode, Is.Zero, r.Stderr);
            var probe = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("probes")[0];
            Assert.That(probe.GetProperty("verdict").GetString(), Is.EqualTo("none"));
            var evidence = probe.GetProperty("evidence").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.That(evidence, Has.Some.Contains("0.99 W/kg").And.Some.Contains("23 dBm").And.Some.Contains("RoHS 2011/65/EU declared"));

            await File.WriteAllTextAsync(spec, "{ not json");
            var bad = await Cli.RunAsync("probe", sim.Link, "--spec", spec);
            Assert.That(bad.ExitCode, Is.EqualTo(2));
            Assert.That(bad.Stderr, Does.Contain("--spec"));

            // A typo would leave the declared RAM unchecked without a word: it is an error that names the key.
            await File.WriteAllTextAsync(spec, """{ "declared": { "ramGigs": 8 } }""");
            var typo = await Cli.RunAsync("probe", sim.Link, "--spec", spec);
            Assert.That(typo.ExitCode, Is.EqualTo(2));
            Assert.That(typo.Stderr, Does.Contain("'ramGigs' (at $.declared").And.Contain("is not a key the lab reads"));
        }
        finally
        {
            File.Delete(spec);
        }
    }

    [Test]
    public async Task OverheatingHandset_OverAdb_ThermalFailsWithItsSeries()
    {
        await using var server = await Cli.StartAdbServerAsync();
        var serverPort = server.Port;
        var simPort = Cli.FreePort();
        using var sim = Process.Start(Cli.StartInfo("sim", "battery-overheat", "--adb-port", simPort.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        var simOut = sim.StandardOutput.ReadToEndAsync();
        var simErr = sim.StandardError.ReadToEndAsync();
        try
        {
            await Cli.WaitForListenerAsync(simPort);
            var serial = $"127.0.0.1:{simPort}";
            await server.AttachAsync("127.0.0.1", simPort, CancellationToken.None);
            var r = await Cli.RunAsync("probe", $"adb:{serial}?server=127.0.0.1:{serverPort}", "--tac-db", TacSample, "--sample-seconds", "0.14", "--sample-interval", "0.02", "--json");
            Assert.That(r.ExitCode, Is.EqualTo(1), r.Stdout + r.Stderr);
            var root = JsonDocument.Parse(r.Stdout).RootElement;
            var verdicts = Verdicts(root);
            Assert.That(verdicts.Where(v => v.Value == "fail").Select(v => v.Key), Is.EqualTo(new[] { "battery.thermal" }));
            var thermal = root.GetProperty("probes").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "battery.thermal");
            var series = thermal.GetProperty("series")[0];
            Assert.That(series.GetProperty("unit").GetString(), Is.EqualTo("°C"));
            Assert.That(series.GetProperty("points").EnumerateArray().Select(p => p.GetProperty("value").GetDouble()), Is.EqualTo(new[] { 31.2, 35.6, 39.8, 43.1, 46.2, 48.9, 51.4, 53.7 }).Within(1e-9));
        }
        finally
        {
            sim.Kill();
            await sim.WaitForExitAsync();
        }

        Assert.That(await simOut + await simErr, Does.Not.Contain("reboot"));
    }
}
