using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace ConformityLab.Cli.Tests;

/// <summary>The CLI's ADB side against the real Debian adb server, started in isolation on its own port.</summary>
[NonParallelizable]
public class AdbCliTests
{
    private int _serverPort;

    [OneTimeSetUp]
    public async Task StartServer()
    {
        _serverPort = FreePort();
        var r = await RunAdbAsync("start-server");
        Assert.That(r, Is.Zero, "adb must be installed (apt-get install -y adb) for the ADB tests");
    }

    [OneTimeTearDown]
    public async Task StopServer() => await RunAdbAsync("kill-server");

    [Test]
    public async Task SimulatedHandset_ListedByDevices_AndIdentifiedOverAdb()
    {
        var simPort = FreePort();
        using var sim = Process.Start(Cli.StartInfo("sim", "genuine-pixel8-android14", "--adb-port", simPort.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        try
        {
            await WaitForListenerAsync(simPort);
            var serial = $"127.0.0.1:{simPort}";
            Assert.That(await RunAdbAsync("connect", serial), Is.Zero);
            var server = $"127.0.0.1:{_serverPort}";
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
        var r = await Cli.RunAsync("identify", $"adb:192.0.2.1:7777?server=127.0.0.1:{_serverPort}");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(r.Stderr, Does.Contain("not attached").And.Contain($"127.0.0.1:{_serverPort}"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        return port is >= 5555 and <= 5585 ? FreePort() : port;
    }

    private static async Task WaitForListenerAsync(int port)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<int> RunAdbAsync(params string[] args)
    {
        var info = new ProcessStartInfo("adb") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add("-P");
        info.ArgumentList.Add(_serverPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        await p.WaitForExitAsync();
        return p.ExitCode;
    }
}
