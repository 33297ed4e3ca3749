using System.Diagnostics;
using System.Globalization;

namespace ConformityLab.Adb.Tests;

/// <summary>
/// The real adb server (Debian's adb package), started in isolation on its own port with
/// <c>adb -P &lt;port&gt; start-server</c> and killed at the end. When adb is not installed, the
/// tests that need it fail with a message that says so; they never pass silently.
/// </summary>
public sealed class RealAdbServer : IAsyncDisposable
{
    private RealAdbServer(string adb, int port)
    {
        Adb = adb;
        Port = port;
        Client = new AdbClient(new AdbClientOptions { Address = new AdbServerAddress("127.0.0.1", port), StartServer = false, Timeout = TimeSpan.FromSeconds(20) });
    }

    public string Adb { get; }

    public int Port { get; }

    public AdbClient Client { get; }

    public static string? FindAdb() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "adb"))
            .FirstOrDefault(File.Exists);

    public static async Task<RealAdbServer> StartAsync()
    {
        var adb = FindAdb();
        if (adb is null)
        {
            Assert.Fail("the 'adb' executable is not on the PATH: these tests need the real adb server (Debian: apt-get install -y adb)");
        }

        string? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreePort(50370, 2000);
            var (code, output) = await RunAsync(adb!, "-P", port.ToString(CultureInfo.InvariantCulture), "start-server");
            if (code == 0)
            {
                return new RealAdbServer(adb!, port);
            }

            last = $"adb -P {port} start-server exited {code}: {output}";
        }

        Assert.Fail($"could not start an isolated adb server: {last}");
        throw new UnreachableException();
    }

    /// <summary>A port in [first, first + range) that nothing listens on right now (so no other adb server is touched).</summary>
    public static int FreePort(int first, int range)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = first + Random.Shared.Next(0, range);
            try
            {
                var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (System.Net.Sockets.SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"no free port in {first}-{first + range - 1}");
    }

    public static async Task<(int Code, string Output)> RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>host:connect, then wait until the device is online.</summary>
    public async Task AttachAsync(string serial)
    {
        var colon = serial.LastIndexOf(':');
        await Client.ConnectAsync(serial[..colon], int.Parse(serial[(colon + 1)..], CultureInfo.InvariantCulture));
        await Client.WaitForDeviceAsync(serial, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync() =>
        await RunAsync(Adb, "-P", Port.ToString(CultureInfo.InvariantCulture), "kill-server");
}
