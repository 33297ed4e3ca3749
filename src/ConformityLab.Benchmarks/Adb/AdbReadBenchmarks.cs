using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ConformityLab.Adb;
using ConformityLab.Adb.Identity;
using ConformityLab.Adb.Parsers;
using ConformityLab.Adb.Simulator;

namespace ConformityLab.Benchmarks.Adb;

/// <summary>
/// Reading 50 properties and both IMEIs of a simulated Android 14 handset behind the real adb
/// server (isolated on its own port): our client (one <c>getprop</c> parsed, two
/// <c>service call</c>s over shell v2) against the <c>adb -P &lt;port&gt; shell ...</c> command
/// line run once per value (52 processes). Needs <c>adb</c> on the PATH.
/// Run: <c>dotnet run -c Release --project src/ConformityLab.Benchmarks -- --filter '*AdbReadBenchmarks*'</c>.
/// </summary>
[Config(typeof(ShortInProcess))]
public class AdbReadBenchmarks
{
    private AndroidDeviceSimulator _device = null!;
    private AdbClient _client = null!;
    private string _adb = null!;
    private int _port;
    private IReadOnlyList<string> _keys = [];
    private IphoneSubInfoCodes _codes = null!;

    /// <summary>Starts the isolated adb server and the simulated handset, and attaches it.</summary>
    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    /// <summary>Detaches everything and kills the isolated server.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _device.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Run(_adb, "-P", _port.ToString(CultureInfo.InvariantCulture), "kill-server");
    }

    /// <summary>Our client: one getprop (50 of its properties picked out) and one service call per slot.</summary>
    [Benchmark(Baseline = true)]
    public async Task<int> OurClient()
    {
        var getprop = await _client.ShellAsync(_device.Serial, "getprop");
        var properties = GetpropParser.Parse(getprop.StdoutText);
        var found = _keys.Count(properties.ContainsKey);
        for (var slot = 1; slot <= 2; slot++)
        {
            var reply = await _client.ShellAsync(_device.Serial, _codes.ImeiCommand(slot));
            found += ParcelParser.ParseStringReply(reply.StdoutText).Outcome == ParcelOutcome.String ? 1 : 0;
        }

        return found == 52 ? found : throw new InvalidOperationException($"read {found} of 52 values");
    }

    /// <summary>The command line: <c>adb shell getprop KEY</c> for each property, <c>adb shell service call ...</c> per slot.</summary>
    [Benchmark]
    public int AdbCommandLinePerValue()
    {
        var port = _port.ToString(CultureInfo.InvariantCulture);
        var found = 0;
        foreach (var key in _keys)
        {
            found += Run(_adb, "-P", port, "-s", _device.Serial, "shell", "getprop", key).Length > 0 ? 1 : 0;
        }

        for (var slot = 1; slot <= 2; slot++)
        {
            var dump = Run(_adb, ["-P", port, "-s", _device.Serial, "shell", .. _codes.ImeiCommand(slot).Split(' ')]);
            found += ParcelParser.ParseStringReply(dump).Outcome == ParcelOutcome.String ? 1 : 0;
        }

        return found == 52 ? found : throw new InvalidOperationException($"read {found} of 52 values");
    }

    private async Task SetupAsync()
    {
        _adb = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Select(d => Path.Combine(d, "adb")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("this benchmark needs 'adb' on the PATH (Debian: apt-get install -y adb)");
        _port = 51370 + Random.Shared.Next(0, 2000);
        Run(_adb, "-P", _port.ToString(CultureInfo.InvariantCulture), "start-server");
        _device = await AndroidDeviceSimulator.StartAsync(AndroidProfiles.Load("genuine-pixel8-android14", FixturesRoot()), new AndroidSimulatorOptions(), CancellationToken.None);
        _client = new AdbClient(new AdbClientOptions { Address = new AdbServerAddress("127.0.0.1", _port), StartServer = false });
        await _client.ConnectAsync("127.0.0.1", _device.Port);
        await _client.WaitForDeviceAsync(_device.Serial, TimeSpan.FromSeconds(30));
        _keys = _device.Profile.Properties.Keys.Order(StringComparer.Ordinal).Take(50).ToList();
        _codes = IphoneSubInfoCodes.For(int.Parse(_device.Profile.Properties["ro.build.version.sdk"], CultureInfo.InvariantCulture));
        if (_keys.Count < 50)
        {
            throw new InvalidOperationException($"the profile has only {_keys.Count} properties");
        }
    }

    private static string FixturesRoot()
    {
        if (Directory.Exists(AndroidProfiles.DefaultRoot))
        {
            return AndroidProfiles.DefaultRoot;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "fixtures", "android");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("fixtures/android not found beside or above the benchmark");
    }

    private static string Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output;
    }

    private sealed class ShortInProcess : ManualConfig
    {
        public ShortInProcess()
        {
            AddJob(Job.Default.WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance));
        }
    }
}
