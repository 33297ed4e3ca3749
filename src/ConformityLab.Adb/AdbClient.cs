using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using ConformityLab.Adb.Parsers;

namespace ConformityLab.Adb;

/// <summary>
/// A client of the adb server's smart-socket protocol (AOSP <c>adb/protocol.txt</c>,
/// <c>SERVICES.TXT</c>). Each call opens its own connection, is bounded by a timeout and takes a
/// cancellation token last. FAIL replies, truncated frames and a vanished server are exceptions
/// (<see cref="AdbFailException"/>, <see cref="AdbProtocolException"/>,
/// <see cref="AdbServerGoneException"/>, <see cref="AdbTimeoutException"/>).
/// </summary>
public sealed class AdbClient
{
    private readonly AdbClientOptions _options;
    private readonly ConcurrentDictionary<string, IReadOnlySet<string>> _features = new(StringComparer.Ordinal);
    private readonly Lock _startGate = new();
    private Task? _starting;

    /// <summary>Creates a client; it connects lazily, call by call.</summary>
    public AdbClient(AdbClientOptions? options = null)
    {
        _options = options ?? new AdbClientOptions();
        Address = _options.Address ?? AdbServerAddress.Resolve();
    }

    /// <summary>The server this client talks to.</summary>
    public AdbServerAddress Address { get; }

    /// <summary><c>host:version</c>: the server's protocol version (41 for adb 1.0.41).</summary>
    public Task<int> GetVersionAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        HostQueryAsync("host:version", timeout, text => int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new AdbProtocolException($"host:version answered '{text}', which is not a hex version"), cancellationToken);

    /// <summary><c>host:devices-l</c>: every device the server knows, with its state.</summary>
    public Task<IReadOnlyList<AdbDevice>> ListDevicesAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        HostQueryAsync("host:devices-l", timeout, DeviceListParser.Parse, cancellationToken);

    /// <summary>
    /// <c>host:track-devices</c>: the device list now and after every change, until the caller
    /// cancels. The timeout bounds the server's first answer only.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<AdbDevice>> TrackDevicesAsync(TimeSpan? timeout = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        const string service = "host:track-devices";
        var connection = await WithTimeoutAsync(null, service, timeout, async token =>
        {
            var c = await OpenAsync(token).ConfigureAwait(false);
            try
            {
                await c.RequestAsync(service, token).ConfigureAwait(false);
                return c;
            }
            catch
            {
                await c.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }, cancellationToken).ConfigureAwait(false);

        await using (connection.ConfigureAwait(false))
        {
            while (true)
            {
                var text = await connection.ReadHexLengthStringAsync(service, cancellationToken).ConfigureAwait(false);
                yield return DeviceListParser.Parse(text);
            }
        }
    }

    /// <summary>
    /// <c>host:connect:H:P</c>: attaches a TCP device (what <c>adb connect</c> does). Returns the
    /// server's message; a message that is not a success is an <see cref="AdbFailException"/>.
    /// </summary>
    public async Task<string> ConnectAsync(string host, int port, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var service = $"host:connect:{host}:{port.ToString(CultureInfo.InvariantCulture)}";
        var message = await HostQueryAsync(service, timeout, text => text, cancellationToken).ConfigureAwait(false);
        return message.StartsWith("connected to", StringComparison.Ordinal) || message.StartsWith("already connected to", StringComparison.Ordinal)
            ? message
            : throw new AdbFailException(null, service, message);
    }

    /// <summary><c>host:disconnect:H:P</c>: detaches a TCP device.</summary>
    public Task<string> DisconnectAsync(string serial, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        HostQueryAsync($"host:disconnect:{serial}", timeout, text => text, cancellationToken);

    /// <summary>
    /// Polls <c>host:devices-l</c> until <paramref name="serial"/> is in the <c>device</c> state
    /// (after <c>host:connect</c> the server needs a moment to finish the CNXN handshake).
    /// </summary>
    public Task<AdbDevice> WaitForDeviceAsync(string serial, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WithTimeoutAsync(serial, "wait-for-device (host:devices-l)", timeout, async token =>
        {
            while (true)
            {
                var devices = await ListOnceAsync(token).ConfigureAwait(false);
                var device = devices.FirstOrDefault(d => d.Serial == serial);
                if (device?.State == "device")
                {
                    return device;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), token).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <summary><c>host-serial:&lt;serial&gt;:features</c>: the features the device declared in its banner.</summary>
    public async Task<IReadOnlySet<string>> GetFeaturesAsync(string serial, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        if (_features.TryGetValue(serial, out var cached))
        {
            return cached;
        }

        var text = await HostQueryAsync($"host-serial:{serial}:features", timeout, t => t, cancellationToken, serial).ConfigureAwait(false);
        var set = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        _features[serial] = set;
        return set;
    }

    /// <summary>
    /// Runs a shell command on the device: <c>host:transport:&lt;serial&gt;</c>, then
    /// <c>shell,v2,raw:&lt;command&gt;</c> (stdout, stderr and the exit code) when the device
    /// declares <c>shell_v2</c>, otherwise, or when the device refuses v2, the legacy
    /// <c>shell:&lt;command&gt;</c> (one merged output, no exit code).
    /// </summary>
    public async Task<ShellResult> ShellAsync(string serial, string command, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var v2Service = "shell,v2,raw:" + command;
        return await WithTimeoutAsync(serial, v2Service, timeout, async token =>
        {
            var features = await GetFeaturesAsync(serial, timeout, token).ConfigureAwait(false);
            if (features.Contains("shell_v2"))
            {
                try
                {
                    return await ShellV2Async(serial, command, v2Service, token).ConfigureAwait(false);
                }
                catch (AdbFailException ex) when (ex.Service == v2Service)
                {
                    _options.Transcript?.Note($"{serial}: shell v2 refused ({ex.ServerMessage}); falling back to legacy shell:");
                }
            }

            return await LegacyShellAsync(serial, command, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Pulls a file with the <c>sync:</c> service (<c>RECV</c>, then <c>DATA</c> chunks until
    /// <c>DONE</c>, or <c>FAIL</c> with a message).
    /// </summary>
    public Task<byte[]> PullAsync(string serial, string remotePath, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WithTimeoutAsync(serial, "sync:RECV " + remotePath, timeout, async token =>
        {
            var connection = await TransportAsync(serial, "sync:", token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var service = "sync:RECV " + remotePath;
                var path = Encoding.UTF8.GetBytes(remotePath);
                await connection.WriteAsync(SyncFrame("RECV", path), service, token).ConfigureAwait(false);
                using var content = new MemoryStream();
                while (true)
                {
                    var id = Encoding.ASCII.GetString(await connection.ReadExactlyAsync(4, service, "sync id", token).ConfigureAwait(false));
                    var length = await connection.ReadUInt32Async(service, "sync length", token).ConfigureAwait(false);
                    switch (id)
                    {
                        case "DATA":
                            if (length > 64 * 1024)
                            {
                                throw new AdbProtocolException($"{serial}: '{service}': a DATA chunk of {length} bytes is above the 64 KiB sync limit");
                            }

                            content.Write(await connection.ReadExactlyAsync((int)length, service, "DATA chunk", token).ConfigureAwait(false));
                            break;
                        case "DONE":
                            await connection.WriteAsync(SyncFrame("QUIT", []), service, token).ConfigureAwait(false);
                            return content.ToArray();
                        case "FAIL":
                            var message = Encoding.UTF8.GetString(await connection.ReadExactlyAsync((int)Math.Min(length, 65536), service, "FAIL message", token).ConfigureAwait(false));
                            throw new AdbFailException(serial, service, message);
                        default:
                            throw new AdbProtocolException($"{serial}: '{service}': unexpected sync id '{Transcript.Printable(Encoding.ASCII.GetBytes(id))}'");
                    }
                }
            }
        }, cancellationToken);

    /// <summary>
    /// <c>reboot:</c> on the device's transport, what <c>adb reboot</c> sends: the device reboots.
    /// Intrusive: only a probe the operator opted into calls it. The device may drop the
    /// connection before it answers; that counts as done.
    /// </summary>
    public Task RebootAsync(string serial, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WithTimeoutAsync<bool>(serial, "reboot:", timeout, async token =>
        {
            var connection = await TransportAsync(serial, "reboot:", token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                try
                {
                    await connection.ReadToEndAsync("reboot:", token).ConfigureAwait(false);
                }
                catch (AdbProtocolException)
                {
                    // The device went down mid-reply: that is what a reboot does.
                }
            }

            return true;
        }, cancellationToken);

    /// <summary><c>host:kill</c>: asks the server to exit.</summary>
    public Task KillServerAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        WithTimeoutAsync<bool>(null, "host:kill", timeout, async token =>
        {
            var connection = await AdbConnection.OpenAsync(Address, _options.Transcript, token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await connection.RequestAsync("host:kill", token).ConfigureAwait(false);
                return true;
            }
        }, cancellationToken);

    private async Task<ShellResult> ShellV2Async(string serial, string command, string service, CancellationToken token)
    {
        var connection = await TransportAsync(serial, service, token).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            using var stdout = new MemoryStream();
            using var stderr = new MemoryStream();
            while (true)
            {
                // shell_protocol.h: [id u8][length u32 LE][data]; 1 stdout, 2 stderr, 3 exit.
                var header = new byte[5];
                var first = await connection.ReadSomeAsync(header.AsMemory(0, 1), service, token).ConfigureAwait(false);
                if (first == 0)
                {
                    throw new AdbProtocolException($"{serial}: '{service}': the shell stream ended without an exit-code packet");
                }

                var rest = await connection.ReadExactlyAsync(4, service, "shell v2 packet length", token).ConfigureAwait(false);
                var length = BinaryPrimitives.ReadUInt32LittleEndian(rest);
                if (length > 16 * 1024 * 1024)
                {
                    throw new AdbProtocolException($"{serial}: '{service}': shell v2 packet length {length} is not plausible");
                }

                var data = await connection.ReadExactlyAsync((int)length, service, "shell v2 packet", token).ConfigureAwait(false);
                switch (header[0])
                {
                    case 1: stdout.Write(data); break;
                    case 2: stderr.Write(data); break;
                    case 3:
                        var exit = data.Length > 0 ? data[0] : throw new AdbProtocolException($"{serial}: '{service}': empty exit-code packet");
                        return new ShellResult(command, stdout.ToArray(), stderr.ToArray(), exit, ShellV2: true);
                    default:
                        break; // window-size and stdin ids are host-to-device only; ignore anything else.
                }
            }
        }
    }

    private async Task<ShellResult> LegacyShellAsync(string serial, string command, CancellationToken token)
    {
        var service = "shell:" + command;
        var connection = await TransportAsync(serial, service, token).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var output = await connection.ReadToEndAsync(service, token).ConfigureAwait(false);
            return new ShellResult(command, output, [], null, ShellV2: false);
        }
    }

    private async Task<AdbConnection> TransportAsync(string serial, string service, CancellationToken token)
    {
        var connection = await OpenAsync(token).ConfigureAwait(false);
        try
        {
            connection.Serial = serial;
            await connection.RequestAsync("host:transport:" + serial, token).ConfigureAwait(false);
            await connection.RequestAsync(service, token).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<IReadOnlyList<AdbDevice>> ListOnceAsync(CancellationToken token)
    {
        var connection = await OpenAsync(token).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await connection.RequestAsync("host:devices-l", token).ConfigureAwait(false);
            return DeviceListParser.Parse(await connection.ReadHexLengthStringAsync("host:devices-l", token).ConfigureAwait(false));
        }
    }

    private Task<T> HostQueryAsync<T>(string service, TimeSpan? timeout, Func<string, T> parse, CancellationToken cancellationToken, string? serial = null) =>
        WithTimeoutAsync(serial, service, timeout, async token =>
        {
            var connection = await OpenAsync(token).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                connection.Serial = serial;
                await connection.RequestAsync(service, token).ConfigureAwait(false);
                return parse(await connection.ReadHexLengthStringAsync(service, token).ConfigureAwait(false));
            }
        }, cancellationToken);

    private async Task<T> WithTimeoutAsync<T>(string? serial, string service, TimeSpan? timeout, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        var limit = timeout ?? _options.Timeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        try
        {
            return await body(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _options.Transcript?.Note($"timeout: '{service}' after {limit.TotalSeconds:0.###} s");
            throw new AdbTimeoutException(serial, service, limit);
        }
    }

    /// <summary>Connects to the server, starting one first when none runs on this machine and adb is on the PATH.</summary>
    private async Task<AdbConnection> OpenAsync(CancellationToken token)
    {
        try
        {
            return await AdbConnection.OpenAsync(Address, _options.Transcript, token).ConfigureAwait(false);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.ConnectionRefused)
        {
            if (!_options.StartServer || !Address.IsLocal)
            {
                throw new AdbServerUnavailableException(
                    $"no adb server answers at {Address} ({ex.Message}); start one with 'adb -P {Address.Port} start-server'" +
                    (Address.IsLocal ? string.Empty : " on that host") + ", or point ADB_SERVER_SOCKET at a running server", ex);
            }
        }

        await StartServerAsync(token).ConfigureAwait(false);
        try
        {
            return await AdbConnection.OpenAsync(Address, _options.Transcript, token).ConfigureAwait(false);
        }
        catch (SocketException ex)
        {
            throw new AdbServerUnavailableException($"started an adb server for {Address}, but it does not accept connections ({ex.Message})", ex);
        }
    }

    /// <summary>Starts one server for concurrent callers; a failed start is retried by the next caller.</summary>
    private Task StartServerAsync(CancellationToken token)
    {
        lock (_startGate)
        {
            if (_starting is null || _starting.IsFaulted || _starting.IsCanceled)
            {
                _starting = RunStartServerAsync(token);
            }

            return _starting;
        }
    }

    private async Task RunStartServerAsync(CancellationToken token)
    {
        {
            var adb = _options.AdbExecutable ?? FindOnPath("adb")
                ?? throw new AdbServerUnavailableException(
                    $"no adb server answers at {Address}, and no 'adb' executable is on the PATH to start one; " +
                    $"install the Android platform tools (Debian: apt-get install adb) and run 'adb -P {Address.Port} start-server'");
            var start = new ProcessStartInfo(adb)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add("-P");
            start.ArgumentList.Add(Address.Port.ToString(CultureInfo.InvariantCulture));
            start.ArgumentList.Add("start-server");
            _options.Transcript?.Note($"no adb server at {Address}: running '{adb} -P {Address.Port} start-server'");
            using var process = Process.Start(start) ?? throw new AdbServerUnavailableException($"could not run '{adb}'");
            var stderr = process.StandardError.ReadToEndAsync(token);
            var stdout = process.StandardOutput.ReadToEndAsync(token);
            await process.WaitForExitAsync(token).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                throw new AdbServerUnavailableException(
                    $"'{adb} -P {Address.Port} start-server' exited with {process.ExitCode}: {(await stderr.ConfigureAwait(false)).Trim()} {(await stdout.ConfigureAwait(false)).Trim()}");
            }
        }
    }

    private static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static byte[] SyncFrame(string id, byte[] payload)
    {
        var frame = new byte[8 + payload.Length];
        Encoding.ASCII.GetBytes(id, frame);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(4), (uint)payload.Length);
        payload.CopyTo(frame, 8);
        return frame;
    }
}
