using BenchmarkDotNet.Attributes;
using ConformityLab.Harness;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.Benchmarks.At;

/// <summary>
/// Identifying one simulated module against identifying 32 at once (a customs lot), each on its
/// own pty through System.IO.Ports, with the genuine Quectel profile (19 commands, echo and URCs).
/// <see cref="Settle"/> is the wait for boot noise to pass before the first command: the product
/// default (up to 1 s, ended by 150 ms of silence), and zero to show the scaling of the work itself.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
public class IdentifyScalingBenchmarks
{
    private readonly SerialIdentifier _identifier = new();
    private List<SimulatedModem> _sims = [];

    [Params(1, 32)]
    public int Devices { get; set; }

    [Params(0, 1000)]
    public int SettleMs { get; set; }

    private TimeSpan Settle => TimeSpan.FromMilliseconds(SettleMs);

    [GlobalSetup]
    public void Setup()
    {
        var profile = ModemProfiles.Load("quectel-ec25");
        profile.OnOpen = [];
        _sims = Enumerable.Range(0, Devices)
            .Select(i => SimulatedModem.Start(profile, Path.Combine(Path.GetTempPath(), $"bench-id-{i}-{Guid.NewGuid():N}")))
            .ToList();
    }

    [GlobalCleanup]
    public void Cleanup() => _sims.ForEach(s => s.Dispose());

    [Benchmark]
    public async Task<int> IdentifyAll()
    {
        var options = new IdentifyOptions { Settle = Settle };
        var results = await Task.WhenAll(_sims.Select(s => _identifier.IdentifyAsync(new SerialTarget(s.PortPath), options, null, CancellationToken.None)));
        return results.Sum(r => r.Identity.Imeis.Count);
    }
}
