using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ConformityLab.Adb.Simulator;

/// <summary>One service request the simulated device received, as tests assert it.</summary>
/// <param name="Time">When it arrived.</param>
/// <param name="Service">The service kind: <c>shell,v2</c>, <c>shell</c>, <c>exec</c>, <c>sync</c> or the refused service name.</param>
/// <param name="Command">The command line (shell), the sync request and path (<c>RECV /sdcard/x</c>), or the whole service string.</param>
/// <param name="Known">Whether the profile scripts the command or the simulated shell knows it (false: it got "not found", exit 127).</param>
public sealed record SimulatedCommand(DateTimeOffset Time, string Service, string Command, bool Known = true);

/// <summary>How a simulator runs.</summary>
public sealed record AndroidSimulatorOptions
{
    /// <summary>The loopback port to listen on; 0 picks a free one. Must lie outside 5555–5585, which the adb server scans for emulators.</summary>
    public int Port { get; init; }

    /// <summary>When set, every command is also appended to this JSON Lines file.</summary>
    public string? CommandLogPath { get; init; }

    /// <summary>The clock for the command log.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}

/// <summary>
/// A simulated Android device: serves the device side of the ADB transport on 127.0.0.1 so that
/// the real adb server can <c>adb connect 127.0.0.1:&lt;port&gt;</c> to it. It answers CNXN with
/// its own CNXN (no AUTH) and the banner of its profile, opens <c>shell,v2</c>, legacy
/// <c>shell:</c>, <c>exec:</c> and <c>sync:</c> streams, keeps one WRTE in flight per stream until
/// the host's OKAY, and logs every command it receives.
/// </summary>
public sealed class AndroidDeviceSimulator : IAsyncDisposable
{
    private const int MaxPayload = 256 * 1024;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<SimulatedCommand> _log = new();
    private readonly SimulatedDevice _device;
    private readonly AndroidSimulatorOptions _options;
    private readonly Lock _fileGate = new();
    private readonly ConcurrentDictionary<Task, bool> _sessions = new();
    private Task _acceptLoop = Task.CompletedTask;

    private AndroidDeviceSimulator(AndroidProfile profile, AndroidSimulatorOptions options, TcpListener listener)
    {
        Profile = profile;
        _options = options;
        _listener = listener;
        _device = new SimulatedDevice(profile);
    }

    /// <summary>The profile the device plays.</summary>
    public AndroidProfile Profile { get; }

    /// <summary>The port it listens on.</summary>
    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The serial the adb server gives it after <c>adb connect</c>: <c>127.0.0.1:&lt;port&gt;</c>.</summary>
    public string Serial => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Every command received so far, in order.</summary>
    public IReadOnlyList<SimulatedCommand> CommandLog => [.. _log];

    /// <summary>Starts a device for a profile name (under <see cref="AndroidProfiles.DefaultRoot"/>) or profile folder.</summary>
    public static Task<AndroidDeviceSimulator> StartAsync(string profileNameOrDirectory, int port, CancellationToken cancellationToken) =>
        StartAsync(AndroidProfiles.Load(profileNameOrDirectory), new AndroidSimulatorOptions { Port = port }, cancellationToken);

    /// <summary>Starts a device for a loaded profile.</summary>
    public static Task<AndroidDeviceSimulator> StartAsync(AndroidProfile profile, AndroidSimulatorOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (options.Port is >= 5555 and <= 5585)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Port, "ports 5555-5585 are scanned by the adb server for emulators; pick another");
        }

        var listener = new TcpListener(IPAddress.Loopback, options.Port);
        listener.Start();
        var simulator = new AndroidDeviceSimulator(profile, options, listener);
        simulator._acceptLoop = simulator.AcceptLoopAsync();
        return Task.FromResult(simulator);
    }

    /// <summary>Stops listening and drops every connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Stop();
        try
        {
            await _acceptLoop.ConfigureAwait(false);
            await Task.WhenAll(_sessions.Keys).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // Shutting down: connections end however they end.
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var session = RunSessionAsync(client);
            _sessions[session] = true;
            _ = session.ContinueWith(t => _sessions.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task RunSessionAsync(TcpClient client)
    {
        using var _ = client;
        client.NoDelay = true;
        var session = new TransportSession(this, client.GetStream());
        try
        {
            await session.RunAsync(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or InvalidDataException or ObjectDisposedException)
        {
            // The host went away or broke the framing: this connection ends; the device keeps listening.
        }
        finally
        {
            session.CloseAll();
        }
    }

    private void Log(string service, string command, bool known = true)
    {
        var entry = new SimulatedCommand(_options.Time.GetUtcNow(), service, command, known);
        _log.Enqueue(entry);
        if (_options.CommandLogPath is { } path)
        {
            var line = JsonSerializer.Serialize(new
            {
                t = entry.Time.ToString("O", CultureInfo.InvariantCulture),
                device = Serial,
                profile = Profile.Name,
                service,
                command,
                known,
            });
            lock (_fileGate)
            {
                File.AppendAllText(path, line + "\n");
            }
        }
    }

    /// <summary>One connection from the adb server: the message loop and its open streams.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its SemaphoreSlim and CancellationTokenSource hold no wait handle (AvailableWaitHandle and WaitHandle are never touched), and stream tasks may still be finishing when the connection ends.")]
    private sealed class TransportSession(AndroidDeviceSimulator owner, NetworkStream stream)
    {
        private readonly SemaphoreSlim _writeGate = new(1, 1);
        private readonly ConcurrentDictionary<uint, DeviceStream> _streams = new();
        private uint _nextId;
        private int _maxPayload = 4096;

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (await AdbMessage.ReadAsync(stream, cancellationToken).ConfigureAwait(false) is { } message)
            {
                switch (message.Command)
                {
                    case AdbMessage.Cnxn:
                        // The host offers its version and max payload; answer with ours and the banner.
                        _maxPayload = (int)Math.Clamp(message.Arg1, 4096u, (uint)MaxPayload);
                        await SendAsync(new AdbMessage(AdbMessage.Cnxn, AdbMessage.Version, MaxPayload, Encoding.UTF8.GetBytes(owner.Profile.Banner)), cancellationToken).ConfigureAwait(false);
                        break;
                    case AdbMessage.Open:
                        await OpenAsync(message, cancellationToken).ConfigureAwait(false);
                        break;
                    case AdbMessage.Okay:
                        if (_streams.TryGetValue(message.Arg1, out var acked))
                        {
                            acked.Acknowledge(message.Arg0);
                        }

                        break;
                    case AdbMessage.Wrte:
                        if (_streams.TryGetValue(message.Arg1, out var target))
                        {
                            target.Input.Writer.TryWrite(message.Data);
                            await SendAsync(new AdbMessage(AdbMessage.Okay, target.LocalId, target.RemoteId, []), cancellationToken).ConfigureAwait(false);
                        }

                        break;
                    case AdbMessage.Clse:
                        if (_streams.TryRemove(message.Arg1, out var closed))
                        {
                            closed.Close();
                        }

                        break;
                    default:
                        break;
                }
            }
        }

        public void CloseAll()
        {
            foreach (var s in _streams.Values)
            {
                s.Close();
            }

            _streams.Clear();
        }

        private async Task OpenAsync(AdbMessage message, CancellationToken cancellationToken)
        {
            var service = Encoding.UTF8.GetString(message.Data).TrimEnd('\0');
            var colon = service.IndexOf(':', StringComparison.Ordinal);
            var head = colon < 0 ? service : service[..colon];
            var argument = colon < 0 ? string.Empty : service[(colon + 1)..];
            var options = head.Split(',');
            var kind = options[0] switch
            {
                "shell" => options.Contains("v2") ? "shell,v2" : "shell",
                "exec" => "exec",
                "sync" => "sync",
                "reboot" => "reboot",
                _ => null,
            };

            if (kind is null)
            {
                owner.Log(service, service, known: false);
                await SendAsync(new AdbMessage(AdbMessage.Clse, 0, message.Arg0, []), cancellationToken).ConfigureAwait(false);
                return;
            }

            var local = Interlocked.Increment(ref _nextId);
            var deviceStream = new DeviceStream(this, local, message.Arg0);
            _streams[local] = deviceStream;
            await SendAsync(new AdbMessage(AdbMessage.Okay, local, message.Arg0, []), cancellationToken).ConfigureAwait(false);
            _ = Task.Run(() => ServeAsync(deviceStream, kind, argument, cancellationToken), cancellationToken);
        }

        private async Task ServeAsync(DeviceStream deviceStream, string kind, string argument, CancellationToken cancellationToken)
        {
            try
            {
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deviceStream.Closed);
                var token = linked.Token;
                if (kind == "sync")
                {
                    await ServeSyncAsync(deviceStream, token).ConfigureAwait(false);
                }
                else if (kind == "reboot")
                {
                    // adb reboot: a simulated instant reboot that keeps the transport up; the
                    // state earlier commands set (an open dialer, dumped files) is gone after it.
                    owner.Log("reboot", "reboot:" + argument);
                    owner._device.Reboot();
                }
                else
                {
                    var output = owner._device.Run(argument);
                    owner.Log(kind, argument, output.Known);
                    await deviceStream.WriteAsync(kind == "shell,v2" ? ShellV2Packets(output) : [.. output.Stdout, .. output.Stderr], _maxPayload, token).ConfigureAwait(false);
                }

                await CloseStreamAsync(deviceStream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException or SocketException)
            {
                // The host closed the stream or the connection.
            }
        }

        private async Task ServeSyncAsync(DeviceStream deviceStream, CancellationToken token)
        {
            var reader = new SyncReader(deviceStream.Input.Reader);
            while (true)
            {
                var request = await reader.ReadAsync(8, token).ConfigureAwait(false);
                if (request is null)
                {
                    return;
                }

                var id = Encoding.ASCII.GetString(request, 0, 4);
                var length = BitConverter.ToUInt32(request, 4);
                var payload = id is "QUIT" or "DONE" ? [] : await reader.ReadAsync((int)Math.Min(length, 4096), token).ConfigureAwait(false) ?? [];
                var path = Encoding.UTF8.GetString(payload);
                owner.Log("sync", $"{id} {path}".TrimEnd());
                switch (id)
                {
                    case "RECV":
                        var content = owner._device.ReadFile(path);
                        if (content is null)
                        {
                            await deviceStream.WriteAsync(SyncFrame("FAIL", Encoding.UTF8.GetBytes("No such file or directory")), _maxPayload, token).ConfigureAwait(false);
                            break;
                        }

                        using (var reply = new MemoryStream())
                        {
                            for (var offset = 0; offset < content.Length; offset += 64 * 1024)
                            {
                                reply.Write(SyncFrame("DATA", content.AsSpan(offset, Math.Min(64 * 1024, content.Length - offset)).ToArray()));
                            }

                            reply.Write(SyncFrame("DONE", []));
                            await deviceStream.WriteAsync(reply.ToArray(), _maxPayload, token).ConfigureAwait(false);
                        }

                        break;
                    case "STAT":
                        var file = owner._device.ReadFile(path);
                        var stat = new byte[16];
                        Encoding.ASCII.GetBytes("STAT", stat);
                        BitConverter.TryWriteBytes(stat.AsSpan(4), file is null ? 0u : 0x81a4u);
                        BitConverter.TryWriteBytes(stat.AsSpan(8), (uint)(file?.Length ?? 0));
                        await deviceStream.WriteAsync(stat, _maxPayload, token).ConfigureAwait(false);
                        break;
                    case "QUIT":
                        return;
                    default:
                        await deviceStream.WriteAsync(SyncFrame("FAIL", Encoding.UTF8.GetBytes($"sync request {id} is not simulated")), _maxPayload, token).ConfigureAwait(false);
                        break;
                }
            }
        }

        private static byte[] ShellV2Packets(ShellOutput output)
        {
            // shell_protocol.h: [id u8][length u32 LE][data]; 1 stdout, 2 stderr, 3 exit code.
            using var packets = new MemoryStream();
            void Packet(byte id, ReadOnlySpan<byte> data)
            {
                packets.WriteByte(id);
                packets.Write(BitConverter.GetBytes((uint)data.Length));
                packets.Write(data);
            }

            if (output.Stdout.Length > 0)
            {
                Packet(1, output.Stdout);
            }

            if (output.Stderr.Length > 0)
            {
                Packet(2, output.Stderr);
            }

            Packet(3, [(byte)output.Exit]);
            return packets.ToArray();
        }

        private static byte[] SyncFrame(string id, byte[] data)
        {
            var frame = new byte[8 + data.Length];
            Encoding.ASCII.GetBytes(id, frame);
            BitConverter.TryWriteBytes(frame.AsSpan(4), (uint)data.Length);
            data.CopyTo(frame, 8);
            return frame;
        }

        private async Task CloseStreamAsync(DeviceStream deviceStream, CancellationToken cancellationToken)
        {
            if (_streams.TryRemove(deviceStream.LocalId, out _))
            {
                deviceStream.Close();
                await SendAsync(new AdbMessage(AdbMessage.Clse, deviceStream.LocalId, deviceStream.RemoteId, []), cancellationToken).ConfigureAwait(false);
            }
        }

        internal async Task SendAsync(AdbMessage message, CancellationToken cancellationToken)
        {
            var frame = message.Encode();
            await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }

    /// <summary>One open stream: its ids, what the host wrote to it, and the flow-control gate.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Its SemaphoreSlim and CancellationTokenSource hold no wait handle (AvailableWaitHandle and WaitHandle are never touched), and stream tasks may still be finishing when the connection ends.")]
    private sealed class DeviceStream(TransportSession session, uint localId, uint remoteId)
    {
        private readonly SemaphoreSlim _ack = new(0, 1);
        private readonly CancellationTokenSource _closed = new();

        public uint LocalId { get; } = localId;

        public uint RemoteId { get; private set; } = remoteId;

        public System.Threading.Channels.Channel<byte[]> Input { get; } = System.Threading.Channels.Channel.CreateUnbounded<byte[]>();

        public CancellationToken Closed => _closed.Token;

        public void Acknowledge(uint remote)
        {
            RemoteId = remote;
            if (_ack.CurrentCount == 0)
            {
                _ack.Release();
            }
        }

        /// <summary>Writes in WRTE messages of at most the negotiated payload, one in flight until its OKAY.</summary>
        public async Task WriteAsync(byte[] data, int maxPayload, CancellationToken cancellationToken)
        {
            for (var offset = 0; offset < data.Length; offset += maxPayload)
            {
                var chunk = data.AsSpan(offset, Math.Min(maxPayload, data.Length - offset)).ToArray();
                await session.SendAsync(new AdbMessage(AdbMessage.Wrte, LocalId, RemoteId, chunk), cancellationToken).ConfigureAwait(false);
                await _ack.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        public void Close()
        {
            Input.Writer.TryComplete();
            try
            {
                _closed.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // Already closed.
            }
        }
    }

    /// <summary>Reads exact byte counts from the WRTE payloads of a sync stream, which may split requests anywhere.</summary>
    private sealed class SyncReader(System.Threading.Channels.ChannelReader<byte[]> input)
    {
        private readonly List<byte> _buffer = [];

        public async Task<byte[]?> ReadAsync(int count, CancellationToken cancellationToken)
        {
            while (_buffer.Count < count)
            {
                if (!await input.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    return null;
                }

                while (input.TryRead(out var chunk))
                {
                    _buffer.AddRange(chunk);
                }
            }

            var result = _buffer.GetRange(0, count).ToArray();
            _buffer.RemoveRange(0, count);
            return result;
        }
    }
}
