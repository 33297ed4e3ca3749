using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ConformityLab.Adb;

/// <summary>
/// One smart socket to the adb server (protocol.txt): requests are a hex4 length and the
/// payload, replies begin with <c>OKAY</c> or <c>FAIL</c>. Every read is bounded by the token the
/// caller built from its timeout; a connection that failed mid-frame is disposed, never reused.
/// </summary>
internal sealed class AdbConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly Transcript? _transcript;

    private AdbConnection(TcpClient tcp, Transcript? transcript)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _transcript = transcript;
    }

    /// <summary>The device the connection is for, once switched to one (for messages).</summary>
    public string? Serial { get; set; }

    public static async Task<AdbConnection> OpenAsync(AdbServerAddress address, Transcript? transcript, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(address.Host, address.Port, cancellationToken).ConfigureAwait(false);
            return new AdbConnection(tcp, transcript);
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Sends one request and reads its status; FAIL becomes <see cref="AdbFailException"/>.</summary>
    public async Task RequestAsync(string service, CancellationToken cancellationToken)
    {
        var payload = Encoding.UTF8.GetBytes(service);
        if (payload.Length > 0xFFFF)
        {
            throw new ArgumentException($"service '{service[..40]}...' is longer than the 65535 bytes a hex4 length can carry", nameof(service));
        }

        var frame = Encoding.ASCII.GetBytes(payload.Length.ToString("x4", CultureInfo.InvariantCulture)).Concat(payload).ToArray();
        await WriteAsync(frame, service, cancellationToken).ConfigureAwait(false);
        await ReadStatusAsync(service, cancellationToken).ConfigureAwait(false);
    }

    public async Task ReadStatusAsync(string service, CancellationToken cancellationToken)
    {
        var status = Encoding.ASCII.GetString(await ReadExactlyAsync(4, service, "status", cancellationToken).ConfigureAwait(false));
        switch (status)
        {
            case "OKAY":
                return;
            case "FAIL":
                var message = await ReadHexLengthStringAsync(service, cancellationToken).ConfigureAwait(false);
                throw new AdbFailException(Serial, service, message);
            default:
                throw new AdbProtocolException($"{AdbFailException.Where(Serial)}'{service}': expected OKAY or FAIL, got '{Transcript.Printable(Encoding.ASCII.GetBytes(status))}'");
        }
    }

    /// <summary>Reads a hex4 length and that many bytes of UTF-8 text.</summary>
    public async Task<string> ReadHexLengthStringAsync(string service, CancellationToken cancellationToken)
    {
        var hex = Encoding.ASCII.GetString(await ReadExactlyAsync(4, service, "hex4 length", cancellationToken).ConfigureAwait(false));
        if (!int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var length))
        {
            throw new AdbProtocolException($"{AdbFailException.Where(Serial)}'{service}': '{Transcript.Printable(Encoding.ASCII.GetBytes(hex))}' is not a hex4 length");
        }

        return Encoding.UTF8.GetString(await ReadExactlyAsync(length, service, "payload", cancellationToken).ConfigureAwait(false));
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, string service, CancellationToken cancellationToken)
    {
        _transcript?.Record(Direction.Tx, data.Span);
        try
        {
            await _stream.WriteAsync(data, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdbServerGoneException($"{AdbFailException.Where(Serial)}the adb server went away while '{service}' was being sent: {ex.Message}", ex);
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes; an early end is a truncated frame or a vanished server.</summary>
    public async Task<byte[]> ReadExactlyAsync(int count, string service, string what, CancellationToken cancellationToken)
    {
        var buffer = new byte[count];
        var read = 0;
        while (read < count)
        {
            var n = await ReadSomeAsync(buffer.AsMemory(read), service, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                throw read == 0 && what == "status"
                    ? new AdbServerGoneException($"{AdbFailException.Where(Serial)}the adb server closed the connection before answering '{service}'")
                    : new AdbProtocolException($"{AdbFailException.Where(Serial)}'{service}': truncated frame: the connection closed after {read} of the {count} bytes of the {what}");
            }

            read += n;
        }

        return buffer;
    }

    /// <summary>Reads what is there (0 at the end of the stream).</summary>
    public async Task<int> ReadSomeAsync(Memory<byte> buffer, string service, CancellationToken cancellationToken)
    {
        int n;
        try
        {
            n = await _stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new AdbServerGoneException($"{AdbFailException.Where(Serial)}the adb server went away during '{service}': {ex.Message}", ex);
        }

        _transcript?.Record(Direction.Rx, buffer.Span[..n]);
        return n;
    }

    /// <summary>Reads to the end of the stream.</summary>
    public async Task<byte[]> ReadToEndAsync(string service, CancellationToken cancellationToken)
    {
        using var all = new MemoryStream();
        var buffer = new byte[16384];
        int n;
        while ((n = await ReadSomeAsync(buffer, service, cancellationToken).ConfigureAwait(false)) > 0)
        {
            all.Write(buffer, 0, n);
        }

        return all.ToArray();
    }

    /// <summary>Reads a little-endian u32.</summary>
    public async Task<uint> ReadUInt32Async(string service, string what, CancellationToken cancellationToken) =>
        BinaryPrimitives.ReadUInt32LittleEndian(await ReadExactlyAsync(4, service, what, cancellationToken).ConfigureAwait(false));

    public ValueTask DisposeAsync()
    {
        _stream.Dispose();
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
