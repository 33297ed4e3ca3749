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

/// <summary>The real adb server (Debian's adb), isolated on its own port, killed at the end; fails the test clearly when adb is missing.</summary>
internal sealed class IsolatedAdbServer : IAsyncDisposable
{
    private readonly AdbServerProcess _server;

    private IsolatedAdbServer(AdbServerProcess server)
    {
        _server = server;
        Client = server.CreateClient();
    }

    public int Port => _server.Port;

    public AdbClient Client { get; }

    public static async Task<IsolatedAdbServer> StartAsync()
    {
        try
        {
            return new IsolatedAdbServer(await AdbServerProcess.StartIsolatedAsync(52370, 2000));
        }
        catch (AdbServerUnavailableException e)
        {
            Assert.Fail($"these tests need the real adb server: {e.Message}");
            throw;
        }
    }

    public Task AttachAsync(string serial)
    {
        var colon = serial.LastIndexOf(':');
        return _server.AttachAsync(serial[..colon], int.Parse(serial[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
