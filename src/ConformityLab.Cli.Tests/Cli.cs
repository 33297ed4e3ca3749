using System.Diagnostics;

namespace ConformityLab.Cli.Tests;

/// <summary>Runs the real <c>conformitylab</c> program (built beside the tests) as a child process.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed);

    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    private static string Program => Path.Combine(AppContext.BaseDirectory, "conformitylab.dll");

    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var info = new ProcessStartInfo(Dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Program);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["COLUMNS"] = "200";
        return info;
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(StartInfo(args), TimeSpan.FromSeconds(90));

    /// <summary>Runs a prepared start (its environment set by the caller), bounded by <paramref name="timeout"/>.</summary>
    public static async Task<Result> RunAsync(ProcessStartInfo info, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return new Result(process.ExitCode, await stdout, await stderr, watch.Elapsed);
    }

    /// <summary>An isolated real adb server; fails the test clearly when adb is not installed.</summary>
    public static async Task<ConformityLab.Adb.AdbServerProcess> StartAdbServerAsync()
    {
        try
        {
            return await ConformityLab.Adb.AdbServerProcess.StartIsolatedAsync();
        }
        catch (ConformityLab.Adb.AdbServerUnavailableException e)
        {
            Assert.Fail($"the ADB tests need the real adb server: {e.Message}");
            throw;
        }
    }

    /// <summary>A free loopback port outside the emulator range the adb server scans.</summary>
    public static int FreePort() => ConformityLab.Adb.AdbServerProcess.FreeLoopbackPort(40000, 9000);

    /// <summary>Waits until something listens on a loopback port (a simulator process coming up).</summary>
    public static async Task WaitForListenerAsync(int port)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new System.Net.Sockets.TcpClient();
                await client.ConnectAsync(System.Net.IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException) when (watch.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(100);
            }
        }
    }

    /// <summary>A <c>conformitylab sim</c> process serving a profile on a pty link, stopped with SIGINT on dispose.</summary>
    public sealed class SimProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly Task<string> _stdout;
        private readonly Task<string> _stderr;

        private SimProcess(Process process, string link)
        {
            _process = process;
            Link = link;
            _stdout = process.StandardOutput.ReadToEndAsync();
            _stderr = process.StandardError.ReadToEndAsync();
        }

        public string Link { get; }

        public string Stdout { get; private set; } = string.Empty;

        public string Stderr { get; private set; } = string.Empty;

        public static async Task<SimProcess> StartAsync(string profile, params string[] extra)
        {
            var dir = Path.Combine(Path.GetTempPath(), "conformitylab-cli-tests");
            Directory.CreateDirectory(dir);
            var link = Path.Combine(dir, $"{profile}-{Guid.NewGuid():N}");
            var process = Process.Start(StartInfo(["sim", profile, "--pty", link, .. extra]))!;
            var sim = new SimProcess(process, link);
            var deadline = Stopwatch.StartNew();
            while (!File.Exists(link))
            {
                if (process.HasExited || deadline.Elapsed > TimeSpan.FromSeconds(30))
                {
                    throw new InvalidOperationException($"sim {profile} did not come up: {await sim._stderr}");
                }

                await Task.Delay(50);
            }

            return sim;
        }

        public async Task<int> StopAsync()
        {
            if (!_process.HasExited)
            {
                using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
                await kill.WaitForExitAsync();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
                await _process.WaitForExitAsync(cts.Token);
            }

            Stdout = await _stdout;
            Stderr = await _stderr;
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await StopAsync();
            }
            finally
            {
                if (!_process.HasExited)
                {
                    _process.Kill();
                }

                _process.Dispose();
            }
        }
    }
}
