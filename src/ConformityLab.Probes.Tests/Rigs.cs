using System.Diagnostics;
using System.Globalization;
using ConformityLab.Adb;
using ConformityLab.Probes.Tac;

namespace ConformityLab.Probes.Tests;

/// <summary>Shared test data: the TAC sample, short sampling, temp paths.</summary>
internal static class Rigs
{
    public static TacDatabase Tac { get; } = TacImporter.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "fixtures", "tac", "gsma-sample.txt")), "gsma-sample.txt");

    /// <summary>Short sampling: 8 samples, 20 ms apart (the count is fixed by window/interval, never by timing).</summary>
    public static ProbeOptions Options(bool allowIntrusive = false) => new()
    {
        TacDatabase = Tac,
        AllowIntrusive = allowIntrusive,
        SampleWindow = TimeSpan.FromMilliseconds(140),
        SampleInterval = TimeSpan.FromMilliseconds(20),
        ResetTimeout = TimeSpan.FromSeconds(20),
        RebootDropWait = TimeSpan.FromMilliseconds(300),
    };

    public static string NewLinkPath(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "conformitylab-probe-tests");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"{name}-{Guid.NewGuid():N}");
    }

    public static IReadOnlyDictionary<string, string> Fails(ProbeReport report) =>
        report.Identity.Findings.Select(f => (f.Id, f.Verdict)).Concat(report.Results.Select(r => (r.Finding.Id, r.Finding.Verdict)))
            .Where(f => f.Verdict >= Verdict.Fail).ToDictionary(f => f.Id, f => f.Verdict.ToKeyword());
}

/// <summary>The real adb server (Debian's adb), isolated on its own port, killed at the end.</summary>
internal sealed class IsolatedAdbServer : IAsyncDisposable
{
    private IsolatedAdbServer(string adb, int port)
    {
        Adb = adb;
        Port = port;
        Client = new AdbClient(new AdbClientOptions { Address = new AdbServerAddress("127.0.0.1", port), StartServer = false, Timeout = TimeSpan.FromSeconds(20) });
    }

    public string Adb { get; }

    public int Port { get; }

    public AdbClient Client { get; }

    public static async Task<IsolatedAdbServer> StartAsync()
    {
        var adb = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "adb")).FirstOrDefault(File.Exists);
        if (adb is null)
        {
            Assert.Fail("the 'adb' executable is not on the PATH: these tests need the real adb server (Debian: apt-get install -y adb)");
        }

        string? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreePort(52370, 2000);
            var (code, output) = await RunAsync(adb!, "-P", port.ToString(CultureInfo.InvariantCulture), "start-server");
            if (code == 0)
            {
                return new IsolatedAdbServer(adb!, port);
            }

            last = output;
        }

        Assert.Fail($"could not start an isolated adb server: {last}");
        throw new UnreachableException();
    }

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

    public async Task AttachAsync(string serial)
    {
        var colon = serial.LastIndexOf(':');
        await Client.ConnectAsync(serial[..colon], int.Parse(serial[(colon + 1)..], CultureInfo.InvariantCulture));
        await Client.WaitForDeviceAsync(serial, TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync() => await RunAsync(Adb, "-P", Port.ToString(CultureInfo.InvariantCulture), "kill-server");

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] arguments)
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
}
