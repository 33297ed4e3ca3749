namespace ConformityLab.Adb.Tests;

/// <summary>
/// The real adb server (Debian's adb package) for the tests: an <see cref="AdbServerProcess"/> on
/// its own port. When adb is not installed, the tests that need it fail with a message that says
/// so; they never pass silently.
/// </summary>
public sealed class RealAdbServer : IAsyncDisposable
{
    private readonly AdbServerProcess _server;

    private RealAdbServer(AdbServerProcess server)
    {
        _server = server;
        Client = server.CreateClient();
    }

    public string Adb => _server.Executable;

    public int Port => _server.Port;

    public AdbClient Client { get; }

    public static string? FindAdb() => AdbServerProcess.FindExecutable();

    public static async Task<RealAdbServer> StartAsync()
    {
        try
        {
            return new RealAdbServer(await AdbServerProcess.StartIsolatedAsync());
        }
        catch (AdbServerUnavailableException e)
        {
            Assert.Fail($"these tests need the real adb server: {e.Message}");
            throw;
        }
    }

    public static int FreePort(int first, int range) => AdbServerProcess.FreeLoopbackPort(first, range);

    public static Task<(int Code, string Output)> RunAsync(string file, params string[] arguments) =>
        AdbServerProcess.RunAsync(file, arguments, CancellationToken.None);

    /// <summary>host:connect, then wait until the device is online.</summary>
    public Task AttachAsync(string serial)
    {
        var colon = serial.LastIndexOf(':');
        return _server.AttachAsync(serial[..colon], int.Parse(serial[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
