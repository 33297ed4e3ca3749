using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ConformityLab.Adb;

/// <summary>
/// A real adb server (the <c>adb</c> executable) started in isolation on its own loopback port with
/// <c>adb -P &lt;port&gt; start-server</c>, and killed on dispose. Labs use one per run so that a
/// run never disturbs the developer's server on 5037; the tests and simulated handsets use it the same way.
/// </summary>
public sealed class AdbServerProcess : IAsyncDisposable
{
    private AdbServerProcess(string executable, int port)
    {
        Executable = executable;
        Port = port;
        Address = new AdbServerAddress("127.0.0.1", port);
    }

    /// <summary>The adb executable.</summary>
    public string Executable { get; }

    /// <summary>The loopback port the server listens on.</summary>
    public int Port { get; }

    /// <summary>The server's address, for <see cref="AdbClientOptions.Address"/> and <c>?server=</c> targets.</summary>
    public AdbServerAddress Address { get; }

    /// <summary>The adb executable on the PATH, or null.</summary>
    public static string? FindExecutable() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "adb"))
            .FirstOrDefault(File.Exists);

    /// <summary>Starts a server on a free port in [<paramref name="firstPort"/>, <paramref name="firstPort"/> + <paramref name="range"/>).</summary>
    /// <exception cref="AdbServerUnavailableException">adb is not installed, or no server would start; the message says how to fix it.</exception>
    public static async Task<AdbServerProcess> StartIsolatedAsync(int firstPort = 50370, int range = 2000, CancellationToken cancellationToken = default)
    {
        var adb = FindExecutable() ?? throw new AdbServerUnavailableException("the 'adb' executable is not on the PATH (Debian: apt-get install -y adb)");
        string? last = null;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var port = FreeLoopbackPort(firstPort, range);
            var (code, output) = await RunAsync(adb, ["-P", port.ToString(CultureInfo.InvariantCulture), "start-server"], cancellationToken).ConfigureAwait(false);
            if (code == 0)
            {
                return new AdbServerProcess(adb, port);
            }

            last = $"adb -P {port} start-server exited {code}: {output.Trim()}";
        }

        throw new AdbServerUnavailableException($"could not start an isolated adb server: {last}");
    }

    /// <summary>A client of this server.</summary>
    public AdbClient CreateClient(TimeSpan? timeout = null, Transcript? transcript = null) =>
        new(new AdbClientOptions { Address = Address, StartServer = false, Timeout = timeout ?? TimeSpan.FromSeconds(20), Transcript = transcript });

    /// <summary>Attaches a TCP device (<c>host:connect</c>) and waits until the server reports it online.</summary>
    public async Task AttachAsync(string host, int port, CancellationToken cancellationToken)
    {
        var client = CreateClient();
        await client.ConnectAsync(host, port, null, cancellationToken).ConfigureAwait(false);
        await client.WaitForDeviceAsync($"{host}:{port.ToString(CultureInfo.InvariantCulture)}", TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A loopback port in [<paramref name="first"/>, <paramref name="first"/> + <paramref name="range"/>) that nothing listens on now.</summary>
    public static int FreeLoopbackPort(int first, int range)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var port = first + Random.Shared.Next(0, range);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                probe.Stop();
                return port;
            }
            catch (SocketException)
            {
                // In use: try another.
            }
        }

        throw new InvalidOperationException($"no free port in {first}-{first + range - 1}");
    }

    /// <summary>Kills the server.</summary>
    public async ValueTask DisposeAsync() =>
        await RunAsync(Executable, ["-P", Port.ToString(CultureInfo.InvariantCulture), "kill-server"], CancellationToken.None).ConfigureAwait(false);

    /// <summary>Runs a program to its end (at most a minute) and returns its exit code and output.</summary>
    public static async Task<(int Code, string Output)> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new IOException($"cannot start {file}");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        return (process.ExitCode, (await stdout.ConfigureAwait(false)) + (await stderr.ConfigureAwait(false)));
    }
}
