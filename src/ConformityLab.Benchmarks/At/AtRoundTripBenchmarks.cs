using BenchmarkDotNet.Attributes;
using ConformityLab.At;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.Benchmarks.At;

/// <summary>
/// AT round trips against an instantly answering simulated modem on a real pty: our engine
/// (<see cref="AtChannel"/>: background reader, framing, URC split, timeouts, transcript) beside a
/// bare write/read loop on the port's own stream with none of that. Each invocation is 100 round trips.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
public class AtRoundTripBenchmarks
{
    private const int RoundTrips = 100;
    private static readonly byte[] Command = "AT\r"u8.ToArray();

    private readonly byte[] _buffer = new byte[256];
    private SimulatedModem? _sim;
    private SerialTransport? _transport;
    private AtChannel? _channel;

    [GlobalSetup(Target = nameof(BareWriteReadLoop))]
    public void SetupBare() => Open();

    [GlobalSetup(Target = nameof(Engine))]
    public void SetupEngine()
    {
        Open();
        _channel = new AtChannel(_transport!.Stream, new AtChannelOptions { DeviceName = _sim!.PortPath }, _transport.Transcript, leaveOpen: true);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_channel is not null)
        {
            await _channel.DisposeAsync();
        }

        await _transport!.DisposeAsync();
        _sim!.Dispose();
    }

    /// <summary>Write AT, read until OK: the floor set by the pty, the simulator and System.IO.Ports.</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = RoundTrips)]
    public async Task BareWriteReadLoop()
    {
        var stream = _transport!.Stream;
        for (var i = 0; i < RoundTrips; i++)
        {
            await stream.WriteAsync(Command);
            var received = 0;
            while (!EndsWithOk(_buffer.AsSpan(0, received)))
            {
                received += await stream.ReadAsync(_buffer.AsMemory(received));
            }
        }
    }

    /// <summary>The same round trips through the AT engine.</summary>
    [Benchmark(OperationsPerInvoke = RoundTrips)]
    public async Task Engine()
    {
        for (var i = 0; i < RoundTrips; i++)
        {
            var response = await _channel!.SendAsync("AT");
            if (!response.IsOk)
            {
                throw new InvalidOperationException(response.FinalText);
            }
        }
    }

    private static bool EndsWithOk(ReadOnlySpan<byte> data) => data.EndsWith("OK\r\n"u8);

    private void Open()
    {
        var profile = new ModemProfile { Name = "instant", Echo = false, Commands = new(StringComparer.OrdinalIgnoreCase) { ["AT"] = ["OK"] } };
        var link = Path.Combine(Path.GetTempPath(), $"bench-at-{Guid.NewGuid():N}");
        _sim = SimulatedModem.Start(profile, link);
        _transport = SerialTransport.Open(new SerialTarget(link));
    }
}
