using System.Globalization;
using System.Text.RegularExpressions;
using ConformityLab.Adb.Checks;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Simulator;

namespace ConformityLab.Adb.Tests;

/// <summary>
/// End to end: every simulated profile attached to the REAL adb server (isolated on its own port)
/// through host:connect, read by our client, checked, and held to the expectations its manifest
/// declares. Also asserts what the simulated devices received.
/// </summary>
[NonParallelizable]
public class AdbServerIntegrationTests
{
    private RealAdbServer _server = null!;
    private readonly Dictionary<string, AndroidDeviceSimulator> _devices = new(StringComparer.Ordinal);
    private string _logPath = null!;

    [OneTimeSetUp]
    public async Task StartServerAndDevices()
    {
        _server = await RealAdbServer.StartAsync();
        _logPath = Path.Combine(Path.GetTempPath(), $"adb-sim-{Guid.NewGuid():N}.jsonl");
        foreach (var profile in Fixtures.Profiles())
        {
            var device = await AndroidDeviceSimulator.StartAsync(AndroidProfiles.Load(profile), new AndroidSimulatorOptions { CommandLogPath = _logPath }, CancellationToken.None);
            _devices[profile] = device;
            await _server.AttachAsync(device.Serial);
        }
    }

    [OneTimeTearDown]
    public async Task StopAll()
    {
        foreach (var device in _devices.Values)
        {
            await device.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        if (_logPath is not null && File.Exists(_logPath))
        {
            File.Delete(_logPath);
        }
    }

    [Test]
    public void EveryProfileIsSimulated() =>
        Assert.That(_devices.Keys, Is.EquivalentTo(new[] { "battery-overheat", "counterfeit-s23ultra", "dualsim-android8", "genuine-pixel8-android14", "lockeddown-android15", "rooted-tampered" }));

    [Test]
    public async Task ServerVersion()
    {
        Assert.That(await _server.Client.GetVersionAsync(), Is.EqualTo(41), "Debian's adb 29.0.6 is adb 1.0.41");
    }

    [Test]
    public async Task DevicesLong_ListsEverySimulatorOnlineWithItsBanner()
    {
        var devices = await _server.Client.ListDevicesAsync();
        foreach (var (profile, device) in _devices)
        {
            var listed = devices.SingleOrDefault(d => d.Serial == device.Serial);
            Assert.That(listed, Is.Not.Null, $"{profile} ({device.Serial}) is not listed");
            Assert.That(listed!.State, Is.EqualTo("device"));
            Assert.That(listed.Properties["model"], Is.EqualTo(Regex.Replace(device.Profile.Properties["ro.product.model"], "[^A-Za-z0-9]", "_")), "adb sanitises banner values to alphanumerics and _");
            Assert.That(listed.Properties["device"], Is.EqualTo(device.Profile.Properties["ro.product.device"]));
        }
    }

    [Test]
    public async Task TrackDevices_FirstUpdateHoldsEverySimulator()
    {
        using var cts = new CancellationTokenSource();
        await foreach (var list in _server.Client.TrackDevicesAsync(cancellationToken: cts.Token))
        {
            Assert.That(list.Where(d => d.State == "device").Select(d => d.Serial), Is.SupersetOf(_devices.Values.Select(d => d.Serial)));
            break;
        }
    }

    [Test]
    public async Task ConnectTwice_IsAlreadyConnected()
    {
        var device = _devices["genuine-pixel8-android14"];
        var message = await _server.Client.ConnectAsync("127.0.0.1", device.Port);
        Assert.That(message, Does.StartWith("already connected to"));
    }

    [Test]
    public async Task ConnectToNothing_IsAFailException()
    {
        var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        l.Start();
        var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        var ex = await Assert.ThrowsAsync<AdbFailException>(() => _server.Client.ConnectAsync("127.0.0.1", port));
        Assert.That(ex!.Message, Does.Contain(port.ToString(CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task ShellV2_ExitCodeAndStderrThroughTheRealServer()
    {
        var device = _devices["genuine-pixel8-android14"];
        var ok = await _server.Client.ShellAsync(device.Serial, "getprop ro.product.model");
        Assert.That((ok.StdoutText, ok.ExitCode, ok.ShellV2), Is.EqualTo(("Pixel 8\n", (int?)0, true)));
        var missing = await _server.Client.ShellAsync(device.Serial, "nosuchcommand --flag");
        Assert.That(device.CommandLog.Last(c => c.Command == "nosuchcommand --flag").Known, Is.False);
        Assert.That(missing.ExitCode, Is.EqualTo(127));
        Assert.That(missing.StderrText, Does.Contain("nosuchcommand: inaccessible or not found"));
        Assert.That(missing.Stdout, Is.Empty);
    }

    [Test]
    public async Task WholeGetprop_ComesBackVerbatim()
    {
        var device = _devices["genuine-pixel8-android14"];
        var result = await _server.Client.ShellAsync(device.Serial, "getprop");
        Assert.That(result.StdoutText, Is.EqualTo(device.Profile.GetpropDump));
    }

    [Test]
    public async Task LargeFile_CrossesManyWritesWithFlowControl_ShellAndSync()
    {
        // A profile folder of its own with a 700 KB file: more than the 256 KiB a WRTE may carry,
        // so the device must wait for the server's OKAY between writes.
        var directory = Directory.CreateTempSubdirectory("adb-big-profile-").FullName;
        try
        {
            var source = Path.Combine(Fixtures.Root, "genuine-pixel8-android14");
            File.Copy(Path.Combine(source, "getprop.txt"), Path.Combine(directory, "getprop.txt"));
            var big = new byte[700 * 1024];
            new Random(4).NextBytes(big);
            await File.WriteAllBytesAsync(Path.Combine(directory, "big.bin"), big);
            await File.WriteAllTextAsync(Path.Combine(directory, "manifest.json"),
                """{ "description": "big file", "commands": [], "files": { "/sdcard/big.bin": "big.bin" } }""");
            await using var device = await AndroidDeviceSimulator.StartAsync(directory, 0, CancellationToken.None);
            await _server.AttachAsync(device.Serial);
            try
            {
                Assert.That(await _server.Client.PullAsync(device.Serial, "/sdcard/big.bin"), Is.EqualTo(big));
                var cat = await _server.Client.ShellAsync(device.Serial, "cat /sdcard/big.bin");
                Assert.That(cat.Stdout, Is.EqualTo(big));
                Assert.That(cat.ExitCode, Is.EqualTo(0));
            }
            finally
            {
                await _server.Client.DisconnectAsync(device.Serial);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Test]
    public async Task SyncPull_ReturnsTheDeviceFileByteForByte()
    {
        var device = _devices["counterfeit-s23ultra"];
        var bytes = await _server.Client.PullAsync(device.Serial, "/proc/cpuinfo");
        Assert.That(bytes, Is.EqualTo(File.ReadAllBytes(Path.Combine(device.Profile.Directory, "cpuinfo.txt"))));
        Assert.That(device.CommandLog.Select(c => (c.Service, c.Command)), Does.Contain(("sync", "RECV /proc/cpuinfo")));
    }

    [Test]
    public async Task SyncPullMissingFile_IsAFailExceptionNamingTheDevice()
    {
        var device = _devices["counterfeit-s23ultra"];
        var ex = await Assert.ThrowsAsync<AdbFailException>(() => _server.Client.PullAsync(device.Serial, "/data/nothing/here"));
        Assert.That(ex!.Message, Does.Contain(device.Serial).And.Contain("/data/nothing/here"));
    }

    [Test]
    public async Task UnknownSerial_IsAFailException()
    {
        var ex = await Assert.ThrowsAsync<AdbFailException>(() => _server.Client.ShellAsync("127.0.0.1:1", "getprop"));
        Assert.That(ex!.Message, Does.Contain("127.0.0.1:1"));
    }

    [TestCaseSource(typeof(Fixtures), nameof(Fixtures.Profiles))]
    public async Task Identity_RightImeisAndFindings_NoWrongImeiEver(string profile)
    {
        var device = _devices[profile];
        var expected = Fixtures.Expected(profile);
        var before = device.CommandLog.Count;
        var result = await new AdbIdentityReader(_server.Client).ReadAsync(device.Serial, CancellationToken.None);
        var findings = AndroidChecks.Evaluate(result.Identity, result.Evidence);
        var received = device.CommandLog.Skip(before).ToList();

        Assert.That(result.Fault, Is.Null);
        Assert.That(result.Identity.Transport, Is.EqualTo("adb"));
        Assert.That(result.Identity.Target, Is.EqualTo("adb:" + device.Serial));
        Assert.That(result.Identity.Imeis, Is.EqualTo(expected.Imeis), "IMEIs in slot order");
        Assert.That(result.Identity.ImeiSv, Is.EqualTo(expected.ImeiSv));
        Assert.That(result.Identity.Model, Is.EqualTo(device.Profile.Properties["ro.product.model"]));
        Assert.That(result.Identity.Manufacturer, Is.EqualTo(device.Profile.Properties["ro.product.manufacturer"]));
        Assert.That(result.Identity.Revision, Is.EqualTo(device.Profile.Properties["gsm.version.baseband"]));

        // No wrong IMEI ever: every value any path produced is the slot's true IMEI.
        foreach (var reading in result.Identity.Readings.Where(r => r.Field == IdentityField.Imei && r.Status == ReadingStatus.Value))
        {
            Assert.That(reading.Slot, Is.InRange(1, expected.Imeis.Count), reading.ToEvidence());
            Assert.That(reading.Value, Is.EqualTo(expected.Imeis[reading.Slot - 1]), reading.ToEvidence());
        }

        // Unreadable paths are readings with their reason, not values.
        foreach (var path in expected.Unreadable)
        {
            var readings = result.Identity.Readings.Where(r => r.Field == IdentityField.Imei && r.Path == path).ToList();
            Assert.That(readings, Is.Not.Empty, $"no reading for {path}");
            Assert.That(readings, Has.All.Matches<Reading>(r => r!.Status != ReadingStatus.Value && !string.IsNullOrWhiteSpace(r.Note)));
        }

        var byId = findings.ToDictionary(f => f.Id);
        Assert.Multiple(() =>
        {
            foreach (var (id, verdict) in expected.Findings)
            {
                Assert.That(byId.ContainsKey(id), Is.True, $"no finding {id}");
                if (byId.TryGetValue(id, out var finding))
                {
                    Assert.That(finding.Verdict.ToKeyword(), Is.EqualTo(verdict), $"{id}: {finding.Reason}");
                    Assert.That(finding.Evidence, Is.Not.Empty, $"{id} carries no evidence");
                }
            }
        });

        // What the device received: one getprop for every property, and the dialer before the dump.
        var commands = received.Select(c => c.Command).ToList();
        Assert.That(commands.Count(c => c.StartsWith("getprop", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(commands, Does.Contain("getprop"));
        Assert.That(commands.IndexOf(AndroidCommands.DialImei), Is.LessThan(commands.IndexOf(AndroidCommands.UiAutomatorDump)).And.Not.Negative);
        Assert.That(received.Where(c => c.Service != "sync").Select(c => c.Service), Has.All.EqualTo("shell,v2"));
        Assert.That(received.Where(c => !c.Known).Select(c => c.Command), Is.Empty, "the reader sent commands the device does not know");
        Assert.That(commands.Count(c => c == AndroidCommands.CloseDialer), Is.EqualTo(commands.Contains(AndroidCommands.DialImei) && device.Profile.Manifest.Commands.Any(c => c.Command == AndroidCommands.DialImei && c.Exit == 0) ? 1 : 0));
    }

    [Test]
    public async Task LockedDown_ImeiComesOnlyFromTheDialScreenWithSecurityExceptionReasons()
    {
        var device = _devices["lockeddown-android15"];
        var result = await new AdbIdentityReader(_server.Client).ReadAsync(device.Serial, CancellationToken.None);
        var serviceCalls = result.Identity.Readings.Where(r => r.Field == IdentityField.Imei && r.Path.StartsWith("service call", StringComparison.Ordinal)).ToList();
        Assert.That(serviceCalls, Has.Count.EqualTo(2));
        Assert.That(serviceCalls, Has.All.Matches<Reading>(r => r!.Status == ReadingStatus.NotSupported && r.Note!.StartsWith("SecurityException", StringComparison.Ordinal)));
        var screen = result.Identity.Readings.Where(r => r.Field == IdentityField.Imei && r.Status == ReadingStatus.Value).ToList();
        Assert.That(screen.Select(r => r.Path).Distinct(), Is.EqualTo(new[] { "*#06# screen (uiautomator dump)" }));
        Assert.That(device.CommandLog.Select(c => c.Command), Does.Contain("RECV " + AndroidCommands.WindowDumpPath));
    }

    [Test]
    public async Task LockedDown_WithoutTheDialScreen_EveryImeiIsInconclusiveNeverGuessed()
    {
        var device = _devices["lockeddown-android15"];
        var result = await new AdbIdentityReader(_server.Client, new AdbIdentityOptions { DialScreen = DialScreenUse.Never }).ReadAsync(device.Serial, CancellationToken.None);
        Assert.That(result.Identity.Imeis, Is.Empty);
        Assert.That(result.Identity.ImeiSv, Is.Null);
        var findings = IdentifierChecksFor(result);
        Assert.That(findings["imei.luhn"].Verdict, Is.EqualTo(Verdict.Inconc));
        Assert.That(findings["imei.consistency"].Verdict, Is.EqualTo(Verdict.Inconc));
    }

    [Test]
    public async Task DialScreenWhenNeeded_IsNotOpenedWhenServiceCallAnswers()
    {
        var device = _devices["dualsim-android8"];
        var before = device.CommandLog.Count;
        var result = await new AdbIdentityReader(_server.Client, new AdbIdentityOptions { DialScreen = DialScreenUse.WhenNeeded, CollectMarkers = false }).ReadAsync(device.Serial, CancellationToken.None);
        Assert.That(result.Identity.Imeis, Is.EqualTo(Fixtures.Expected("dualsim-android8").Imeis));
        Assert.That(device.CommandLog.Skip(before).Select(c => c.Command), Has.None.StartsWith("am start").And.None.StartsWith("uiautomator"));
    }

    [Test]
    public async Task Battery_SamplesRiseToOverheat()
    {
        var device = _devices["battery-overheat"];
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(device.Profile.Directory, "manifest.json")));
        var expected = doc.RootElement.GetProperty("expected").GetProperty("battery").GetProperty("temperaturesTenthsC").EnumerateArray().Select(e => e.GetInt32()).ToList();
        var temperatures = new List<int>();
        var healths = new List<int>();
        var voltages = new List<int>();
        for (var i = 0; i < expected.Count; i++)
        {
            var text = (await _server.Client.ShellAsync(device.Serial, "dumpsys battery")).StdoutText;
            temperatures.Add(int.Parse(Exact(text, "temperature"), CultureInfo.InvariantCulture));
            healths.Add(int.Parse(Exact(text, "health"), CultureInfo.InvariantCulture));
            voltages.Add(int.Parse(Exact(text, "voltage"), CultureInfo.InvariantCulture));
        }

        Assert.That(temperatures, Is.EqualTo(expected));
        Assert.That(temperatures, Is.Ordered.Ascending);
        Assert.That(healths, Does.Contain(3));
        Assert.That(voltages, Has.All.InRange(3000, 4500), "voltage must not be confused with 'Max charging voltage'");
    }

    [Test]
    public async Task CommandLog_IsWrittenAsJsonLines()
    {
        var device = _devices["rooted-tampered"];
        await _server.Client.ShellAsync(device.Serial, "echo jsonl-marker");
        var lines = File.ReadAllLines(_logPath).Where(l => l.Contains("jsonl-marker", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1));
        using var doc = System.Text.Json.JsonDocument.Parse(lines[0]);
        Assert.That(doc.RootElement.GetProperty("device").GetString(), Is.EqualTo(device.Serial));
        Assert.That(doc.RootElement.GetProperty("profile").GetString(), Is.EqualTo("rooted-tampered"));
        Assert.That(doc.RootElement.GetProperty("service").GetString(), Is.EqualTo("shell,v2"));
    }

    [Test]
    public async Task CommandLineAdb_TalksToTheSimulatorToo()
    {
        var device = _devices["genuine-pixel8-android14"];
        var (code, output) = await RealAdbServer.RunAsync(_server.Adb, "-P", _server.Port.ToString(CultureInfo.InvariantCulture), "-s", device.Serial, "shell", "getprop", "ro.build.version.sdk");
        Assert.That(code, Is.EqualTo(0), output);
        Assert.That(output.Trim(), Is.EqualTo("34"));
    }

    private static Dictionary<string, Finding> IdentifierChecksFor(AdbIdentityResult result) =>
        ConformityLab.Checks.IdentifierChecks.Evaluate(result.Identity).ToDictionary(f => f.Id);

    /// <summary>The value of a "  name: value" line, matched on the exact field name.</summary>
    private static string Exact(string dump, string name) =>
        Regex.Match(dump, $@"^\s*{Regex.Escape(name)}:\s*(-?\d+)\s*$", RegexOptions.Multiline) is { Success: true } m
            ? m.Groups[1].Value
            : throw new AssertionException($"no '{name}:' line in dumpsys battery");
}
