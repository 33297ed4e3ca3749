using System.IO.Ports;
using System.Runtime.InteropServices;

namespace ConformityLab.Transport;

/// <summary>The serial port could not be opened: missing, busy, or refused by the driver.</summary>
public sealed class SerialPortUnavailableException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// An open serial port through System.IO.Ports, held exclusively by this lab, with every byte
/// recorded. <see cref="Stream"/> is the only way to the bytes, so nothing escapes the transcript.
/// </summary>
public sealed class SerialTransport : IAsyncDisposable
{
    private readonly SerialPort _port;
    private readonly SerialLock _lock;
    private int _disposed;

    private SerialTransport(SerialTarget target, SerialPort port, SerialLock portLock, Transcript transcript)
    {
        Target = target;
        _port = port;
        _lock = portLock;
        Transcript = transcript;
        Stream = new RecordingStream(port.BaseStream, transcript, leaveOpen: true);
    }

    /// <summary>The target this port was opened for.</summary>
    public SerialTarget Target { get; }

    /// <summary>The evidence: every byte exchanged since open.</summary>
    public Transcript Transcript { get; }

    /// <summary>The port's byte stream, recording into <see cref="Transcript"/>.</summary>
    public Stream Stream { get; }

    /// <summary>
    /// Opens the port exclusively. A second open of the same device by this or another lab
    /// process is refused: System.IO.Ports does not refuse it on Linux, so an advisory
    /// <c>flock</c> on the device node enforces it. Control lines (DTR, RTS) are asserted where
    /// the driver has them; pseudo-terminals reject them, so they are optional.
    /// </summary>
    /// <exception cref="SerialPortUnavailableException">The device is missing, busy or refused to open.</exception>
    public static SerialTransport Open(SerialTarget target, Transcript? transcript = null)
    {
        var path = target.Path;
        if (!File.Exists(path))
        {
            throw new SerialPortUnavailableException($"{target.Path}: no such device (is it plugged in, and is the path right?)");
        }

        var devicePath = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? path;
        var portLock = SerialLock.Acquire(target.Path, devicePath);
        SerialPort? port = null;
        try
        {
            port = new SerialPort(devicePath, target.BaudRate, target.Parity, target.DataBits, target.StopBits)
            {
                Handshake = Handshake.None,
                ReadBufferSize = 64 * 1024,
                WriteTimeout = 5000,
            };
            port.Open();
            transcript ??= new Transcript(target.ToString());
            transcript.Note($"opened {target} ({devicePath})");
            TryControlLines(port, transcript);
            return new SerialTransport(target, port, portLock, transcript);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            port?.Dispose();
            portLock.Dispose();
            if (e is SerialPortUnavailableException)
            {
                throw;
            }

            throw new SerialPortUnavailableException($"{target.Path}: cannot open: {e.Message}", e);
        }
    }

    /// <summary>
    /// Closes the port and releases the lock. A port whose device hung up with output pending
    /// can block in close on Linux, so the close is given two seconds and then abandoned (and
    /// noted in the transcript) rather than hanging the lab.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        var close = Task.Run(() =>
        {
            try
            {
                Stream.Dispose();
                _port.Dispose();
            }
            catch (IOException)
            {
                // The device may already be gone; closing must still release the lock.
            }
        });
        if (await Task.WhenAny(close, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false) != close)
        {
            Transcript.Note("closing the port did not complete within 2 s (device hung up with output pending); abandoned");
        }

        _lock.Dispose();
    }

    private static void TryControlLines(SerialPort port, Transcript transcript)
    {
        try
        {
            port.DtrEnable = true;
            port.RtsEnable = true;
        }
        catch (IOException e)
        {
            // Pseudo-terminals and some USB bridges have no modem control lines (ENOTTY).
            transcript.Note($"control lines not available: {e.Message}");
        }
    }
}
