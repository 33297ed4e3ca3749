using ConformityLab.At;
using ConformityLab.Simulators;
using ConformityLab.Transport;

namespace ConformityLab.At.Tests;

/// <summary>A simulated modem on a real pty, opened through System.IO.Ports, with an AT channel on it.</summary>
internal sealed class ModemRig : IAsyncDisposable
{
    private ModemRig(SimulatedModem sim, SerialTransport transport, AtChannel channel)
    {
        Sim = sim;
        Transport = transport;
        Channel = channel;
    }

    public SimulatedModem Sim { get; }

    public SerialTransport Transport { get; }

    public AtChannel Channel { get; }

    public static string NewLinkPath(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "conformitylab-tests");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $"{name}-{Guid.NewGuid():N}");
    }

    public static Task<ModemRig> StartAsync(string profile, AtChannelOptions? options = null) =>
        StartAsync(ModemProfiles.Load(profile), options);

    /// <summary>Starts the rig and lets boot output settle, as every session does before its first command.</summary>
    public static async Task<ModemRig> StartAsync(ModemProfile profile, AtChannelOptions? options = null)
    {
        var rig = Create(profile, options);
        await rig.Channel.SettleAsync(TimeSpan.FromSeconds(1), CancellationToken.None);
        return rig;
    }

    private static ModemRig Create(ModemProfile profile, AtChannelOptions? options)
    {
        var sim = SimulatedModem.Start(profile, NewLinkPath(profile.Name));
        var transport = SerialTransport.Open(new SerialTarget(sim.PortPath));
        options ??= new AtChannelOptions();
        options = options with { DeviceName = sim.PortPath, UnsolicitedPrefixes = VendorCatalogue.LoadBuiltIn().UnsolicitedPrefixes };
        var channel = new AtChannel(transport.Stream, options, transport.Transcript, leaveOpen: true);
        return new ModemRig(sim, transport, channel);
    }

    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync();
        await Transport.DisposeAsync();
        Sim.Dispose();
    }
}
