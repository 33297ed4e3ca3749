using ConformityLab.Adb;
using ConformityLab.At;
using ConformityLab.Transport;

namespace ConformityLab.Harness;

/// <summary>How a device is opened.</summary>
public sealed record ConnectionOptions
{
    /// <summary>AT timeouts, settle and clock.</summary>
    public IdentifyOptions Identify { get; init; } = new();

    /// <summary>Whether the AT channel may send identifier write forms (only an intrusive probe the operator opted into).</summary>
    public bool AllowIntrusive { get; init; }

    /// <summary>The AT vendor catalogue; the built-in one when null.</summary>
    public VendorCatalogue? Catalogue { get; init; }
}

/// <summary>
/// A modem on a serial port, opened once (Mobly's controller contract: create, use, destroy):
/// the exclusive port and its AT channel, settled and answering AT. identify, probe and certify
/// all open a modem through this type (and a handset through <see cref="AdbConnection"/>), so
/// no command opens a device its own way.
/// </summary>
public sealed class AtConnection : IAsyncDisposable
{
    private readonly SerialTransport _transport;
    private int _disposed;

    private AtConnection(SerialTransport transport, AtChannel channel, VendorCatalogue catalogue)
    {
        _transport = transport;
        Channel = channel;
        Catalogue = catalogue;
    }

    /// <summary>The AT channel.</summary>
    public AtChannel Channel { get; }

    /// <summary>The vendor catalogue in use.</summary>
    public VendorCatalogue Catalogue { get; }

    /// <summary>Opens the port exclusively, starts the AT channel and waits for the device to settle and answer AT.</summary>
    /// <exception cref="SerialPortUnavailableException">The port is missing, busy or refused.</exception>
    /// <exception cref="DeviceNotRespondingException">The device does not answer AT.</exception>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "The port and the channel pass to the connection, which disposes both; on a failure they are disposed in the catch.")]
    public static async Task<AtConnection> OpenAsync(SerialDeviceTarget target, ConnectionOptions options, Transcript transcript, CancellationToken cancellationToken)
    {
        var catalogue = options.Catalogue ?? VendorCatalogue.LoadBuiltIn();
        await SerialSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        SerialTransport? transport = null;
        AtChannel? channel = null;
        try
        {
            transport = SerialTransport.Open(target.Serial, transcript);
            channel = new AtChannel(transport.Stream, new AtChannelOptions
            {
                DeviceName = target.Serial.Path,
                DefaultTimeout = options.Identify.CommandTimeout,
                UnsolicitedPrefixes = catalogue.UnsolicitedPrefixes,
                AllowIntrusive = options.AllowIntrusive,
            }, transcript, options.Identify.Time, leaveOpen: true);
            await AtSession.StartAsync(channel, options.Identify.Settle, cancellationToken).ConfigureAwait(false);
            return new AtConnection(transport, channel, catalogue);
        }
        catch
        {
            if (channel is not null)
            {
                await channel.DisposeAsync().ConfigureAwait(false);
            }

            if (transport is not null)
            {
                await transport.DisposeAsync().ConfigureAwait(false);
            }

            SerialSlots.Release();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        try
        {
            await Channel.DisposeAsync().ConfigureAwait(false);
            await _transport.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            SerialSlots.Release();
        }
    }
}

/// <summary>
/// How many modems this process holds open at once: <see cref="Limit"/>, 32 per core (64 on two).
/// System.IO.Ports on Linux gives every open port an I/O thread that polls its descriptor with a
/// 1 ms timeout while a read is pending (and the AT channel always has one), so each open port
/// costs about 1% of a core doing nothing. 256 ports at once spent more CPU polling than two cores
/// have (identify of 256 modules took 5.5 to 11 s, two thirds of it system time); 64 at a time
/// took 2.6 s. A connection waits for a slot before it opens its port and frees it when it is
/// disposed, so a lot larger than the limit goes through in waves. A slow device holds its slot
/// for at most its device timeout; only a lot with more slow devices than slots makes a quick one
/// wait for one.
/// </summary>
public static class SerialSlots
{
    /// <summary>The most modems open at once in this process (declared first: the semaphore below is made from it).</summary>
    public static int Limit { get; } = 32 * Environment.ProcessorCount;

    private static readonly SemaphoreSlim Slots = new(Limit, Limit);

    /// <summary>How many slots are free now.</summary>
    public static int Free => Slots.CurrentCount;

    internal static Task WaitAsync(CancellationToken cancellationToken) => Slots.WaitAsync(cancellationToken);

    internal static void Release() => Slots.Release();
}

/// <summary>An Android device behind an adb server, opened once: the client, with the device attached and ready.</summary>
public sealed class AdbConnection : IAsyncDisposable
{
    private AdbConnection(AdbClient client) => Client = client;

    /// <summary>The ADB client.</summary>
    public AdbClient Client { get; }

    /// <summary>Checks that the server has the device and that it is ready (<c>device</c>), else says in one line what to do.</summary>
    /// <exception cref="AdbException">The server is unavailable, or the device is not attached or not ready.</exception>
    public static async Task<AdbConnection> OpenAsync(AdbDeviceTarget target, Transcript transcript, CancellationToken cancellationToken)
    {
        var client = new AdbClient(new AdbClientOptions { Address = target.Adb.Server, Transcript = transcript });
        var devices = await client.ListDevicesAsync(null, cancellationToken).ConfigureAwait(false);
        var device = devices.FirstOrDefault(d => d.Serial == target.Adb.Serial);
        if (device is null || device.State != "device")
        {
            var attached = devices.Count == 0 ? "none" : string.Join(", ", devices.Select(d => $"{d.Serial} ({d.State})"));
            throw new AdbException(device is null
                ? $"{target.Adb.Serial}: not attached to the adb server at {client.Address} (attached: {attached}); for a TCP device run 'adb connect {target.Adb.Serial}'"
                : $"{target.Adb.Serial}: the adb server reports it '{device.State}', not ready (unlock it and accept the USB debugging prompt)");
        }

        return new AdbConnection(client);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
