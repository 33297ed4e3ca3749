using ConformityLab.Adb;
using ConformityLab.Adb.Simulator;
using ConformityLab.Harness;
using ConformityLab.Simulators;

namespace ConformityLab.TestCases;

/// <summary>
/// A <c>sim:&lt;profile&gt;</c> target, the same for <c>identify</c>, <c>probe</c> and <c>certify</c>:
/// a modem profile is served on a pty; an Android profile behind an isolated real adb server on a
/// free loopback port, attached with <c>host:connect</c>. Disposing it stops the simulator and
/// the adb server and removes the pty link.
/// </summary>
public sealed class SimulatedTarget : IAsyncDisposable
{
    /// <summary>The scheme of a simulated target.</summary>
    public const string Scheme = "sim:";

    private readonly List<IAsyncDisposable> _owned = [];

    private SimulatedTarget()
    {
    }

    /// <summary>The target the simulator is reached at.</summary>
    public DeviceTarget Target { get; private set; } = null!;

    /// <summary>Whether <paramref name="text"/> names a simulated target.</summary>
    public static bool Is(string text) => text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts the simulator of <c>sim:&lt;profile&gt;</c>.</summary>
    /// <exception cref="FileNotFoundException">No such profile.</exception>
    public static async Task<SimulatedTarget> StartAsync(string text, CancellationToken cancellationToken)
    {
        // 'sim:<profile>#<n>' is the n-th simulator of one profile in a run (a lot of clones).
        var profile = (Is(text) ? text[Scheme.Length..] : text).Split('#')[0];
        var sim = new SimulatedTarget();
        try
        {
            if (AndroidProfiles.List().Contains(profile, StringComparer.Ordinal))
            {
                var server = await AdbServerProcess.StartIsolatedAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                sim._owned.Add(server);
                var device = await AndroidDeviceSimulator.StartAsync(AndroidProfiles.Load(profile), new AndroidSimulatorOptions(), cancellationToken).ConfigureAwait(false);
                sim._owned.Add(device);
                await server.AttachAsync("127.0.0.1", device.Port, cancellationToken).ConfigureAwait(false);
                sim.Target = new AdbDeviceTarget(new AdbTarget(device.Serial, server.Address));
                return sim;
            }

            var link = Path.Combine(Path.GetTempPath(), $"conformitylab-dut-{DeviceNames.Safe(profile, "sim")}-{Guid.NewGuid():N}");
            var modem = SimulatedModem.Start(ModemProfiles.Load(profile), link);
            sim._owned.Add(new Cleanup(() => modem.Dispose()));
            sim.Target = new SerialDeviceTarget(new ConformityLab.Transport.SerialTarget(modem.PortPath));
            return sim;
        }
        catch
        {
            await sim.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        _owned.Clear();
    }

    private sealed class Cleanup(Action action) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            action();
            return ValueTask.CompletedTask;
        }
    }
}
