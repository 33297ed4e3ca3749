using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ConformityLab.Adb;
using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>The CLI's ADB side against the real Debian adb server, started in isolation on its own port.</summary>
[NonParallelizable]
public class AdbCliTests
{
    private AdbServerProcess _server = null!;

    private int ServerPort => _server.Port;

    [OneTimeSetUp]
    public async Task StartServer() => _server = await Cli.StartAdbServerAsync();

    [OneTimeTearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    [Test]
    public async Task SimulatedHandset_ListedByDevices_AndIdentifiedOverAdb()
    {
        var simPort = Cli.FreePort();
        using var sim = Process.Start(Cli.StartInfo("sim", "genuine-pixel8-android14", "--adb-port", simPort.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        try
        {
            await Cli.WaitForListenerAsync(simPort);
            var serial = $"127.0.0.1:{simPort}";
            await _server.AttachAsync("127.0.0.1", simPort, CancellationToken.None);
            var server = $"127.0.0.1:{ServerPort}";
            var target = $"adb:{serial}?server={server}";

            Cli.Result devices = null!;
            for (var i = 0; i < 50; i++)
            {
                devices = await Cli.RunAsync("devices", "--adb-server", server);
                if (devices.Stdout.Contains(target, StringComparison.Ordinal) && devices.Stdout.Contains("device", StringComparison.Ordinal) && !devices.Stdout.Contains("offline", StringComparison.Ordinal))
                {
                    break;
                }

                await Task.Delay(100);
            }

            Assert.That(devices.Stdout, Does.Contain(target));

            var r = await Cli.RunAsync("identify", target, "--json");
            Assert.That(r.ExitCode, Is.Zero, r.Stdout + r.Stderr);
            var root = JsonDocument.Parse(r.Stdout).RootElement;
            Assert.That(root.GetProperty("transport").GetString(), Is.EqualTo("adb"));
            Assert.That(root.GetProperty("manufacturer").GetString(), Is.EqualTo("Google"));
            var imeis = root.GetProperty("imeis").EnumerateArray().Select(e => e.GetString()).ToList();
            Assert.That(imeis, Has.Count.EqualTo(2).And.Unique);
            var ids = root.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("id").GetString()).ToList();
            Assert.That(ids, Is.SupersetOf(new[] { "imei.luhn", "boot.verified-state", "build.test-keys", "os.selinux", "os.root" }));
        }
        finally
        {
            sim.Kill();
            await sim.WaitForExitAsync();
        }
    }

    [Test]
    public async Task DeviceNotAttached_OneLineErrorExit2()
    {
        var r = await Cli.RunAsync("identify", $"adb:127.0.0.1:9?server=127.0.0.1:{ServerPort}");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("not attached").And.Contain($"127.0.0.1:{ServerPort}"));
    }
}
