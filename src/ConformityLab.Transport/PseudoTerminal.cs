using System.Text;

namespace ConformityLab.Transport;

/// <summary>
/// A pseudo-terminal pair allocated in-process with posix_openpt. The owner drives the master
/// side (a simulated device); the lab opens <see cref="SlavePath"/> (or the symlink) as a serial
/// port through System.IO.Ports, exactly as it would a USB modem.
/// </summary>
/// <remarks>
/// The slave side is put in raw mode and held open for the pair's lifetime: otherwise the line
/// discipline would echo the device's own output back to it before a client opens the port,
/// and the master would see a hang-up between clients. Disposing closes the master, which the
/// client sees as the device vanishing.
/// </remarks>
public sealed unsafe class PseudoTerminal : IDisposable
{
    private readonly int _slaveFd;
    private int _masterFd;

    private PseudoTerminal(int masterFd, int slaveFd, string slavePath, string? linkPath)
    {
        _masterFd = masterFd;
        _slaveFd = slaveFd;
        SlavePath = slavePath;
        LinkPath = linkPath;
    }

    /// <summary>The slave device, such as <c>/dev/pts/7</c>.</summary>
    public string SlavePath { get; }

    /// <summary>The symlink made to the slave, if one was asked for.</summary>
    public string? LinkPath { get; }

    /// <summary>The path a client should open: the link when there is one.</summary>
    public string PortPath => LinkPath ?? SlavePath;

    /// <summary>Allocates a pair, optionally with a symlink to the slave at <paramref name="linkPath"/>.</summary>
    /// <exception cref="IOException">The system refused a pseudo-terminal, or the link path is taken by something that is not a symlink.</exception>
    public static PseudoTerminal Open(string? linkPath = null)
    {
        var master = Libc.posix_openpt(Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
        if (master < 0)
        {
            throw Libc.LastError("posix_openpt");
        }

        int slave = -1;
        try
        {
            if (Libc.grantpt(master) != 0)
            {
                throw Libc.LastError("grantpt");
            }

            if (Libc.unlockpt(master) != 0)
            {
                throw Libc.LastError("unlockpt");
            }

            var buf = stackalloc byte[256];
            if (Libc.ptsname_r(master, buf, 256) != 0)
            {
                throw Libc.LastError("ptsname_r");
            }

            var slavePath = Encoding.UTF8.GetString(buf, IndexOfNul(buf));
            slave = Libc.Open(slavePath, Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC);
            if (slave < 0)
            {
                throw Libc.LastError($"open {slavePath}");
            }

            MakeRaw(slave, slavePath);
            SetNonBlocking(master);
            if (linkPath is not null)
            {
                PlaceLink(linkPath, slavePath);
            }

            return new PseudoTerminal(master, slave, slavePath, linkPath);
        }
        catch
        {
            if (slave >= 0)
            {
                Libc.Close(slave);
            }

            Libc.Close(master);
            throw;
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeoutMs"/> for bytes from the client and reads what is there.
    /// Returns 0 when nothing came in time.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The pair was closed.</exception>
    /// <exception cref="IOException">The read failed.</exception>
    public int Read(Span<byte> buffer, int timeoutMs)
    {
        var fd = MasterFd;
        if (!PollFor(fd, Libc.POLLIN, timeoutMs))
        {
            return 0;
        }

        fixed (byte* p = buffer)
        {
            var n = Libc.Read(fd, p, buffer.Length);
            if (n < 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno is Libc.EAGAIN or Libc.EINTR)
                {
                    return 0;
                }

                throw new IOException($"read from pty master of {SlavePath}: {Libc.Describe(errno)}", errno);
            }

            return (int)n;
        }
    }

    /// <summary>
    /// Writes all of <paramref name="data"/> to the client, waiting while the terminal's buffer is
    /// full. Gives up (returning false) when <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public bool Write(ReadOnlySpan<byte> data, CancellationToken cancellationToken)
    {
        var fd = MasterFd;
        fixed (byte* p = data)
        {
            var offset = 0;
            while (offset < data.Length)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                var n = Libc.Write(fd, p + offset, data.Length - offset);
                if (n >= 0)
                {
                    offset += (int)n;
                    continue;
                }

                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno is Libc.EAGAIN or Libc.EINTR)
                {
                    PollFor(fd, Libc.POLLOUT, 50);
                    continue;
                }

                throw new IOException($"write to pty master of {SlavePath}: {Libc.Describe(errno)}", errno);
            }
        }

        return true;
    }

    /// <summary>Closes the master (the client sees a hang-up), the slave and the symlink.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _masterFd, -1);
        if (fd < 0)
        {
            return;
        }

        Libc.Close(fd);
        Libc.Close(_slaveFd);
        if (LinkPath is not null && File.ResolveLinkTarget(LinkPath, false)?.FullName == SlavePath)
        {
            File.Delete(LinkPath);
        }
    }

    private int MasterFd
    {
        get
        {
            var fd = Volatile.Read(ref _masterFd);
            ObjectDisposedException.ThrowIf(fd < 0, this);
            return fd;
        }
    }

    private static bool PollFor(int fd, short events, int timeoutMs)
    {
        var pfd = new Libc.PollFd { Fd = fd, Events = events };
        var n = Libc.Poll(&pfd, 1, timeoutMs);
        return n > 0 && (pfd.Revents & events) != 0;
    }

    private static int IndexOfNul(byte* buf)
    {
        var i = 0;
        while (buf[i] != 0)
        {
            i++;
        }

        return i;
    }

    private static void MakeRaw(int fd, string path)
    {
        var termios = stackalloc byte[Libc.TermiosBufferSize];
        if (Libc.TcGetAttr(fd, termios) != 0)
        {
            throw Libc.LastError($"tcgetattr {path}");
        }

        Libc.CfMakeRaw(termios);
        if (Libc.TcSetAttr(fd, Libc.TCSANOW, termios) != 0)
        {
            throw Libc.LastError($"tcsetattr {path}");
        }
    }

    private static void SetNonBlocking(int fd)
    {
        var flags = Libc.Fcntl(fd, Libc.F_GETFL, 0);
        if (flags < 0 || Libc.Fcntl(fd, Libc.F_SETFL, flags | Libc.O_NONBLOCK) < 0)
        {
            throw Libc.LastError("fcntl O_NONBLOCK on pty master");
        }
    }

    private static void PlaceLink(string linkPath, string slavePath)
    {
        var info = new FileInfo(linkPath);
        if (info.Exists || info.LinkTarget is not null)
        {
            if (info.LinkTarget is null)
            {
                throw new IOException($"{linkPath} exists and is not a symlink; refusing to replace it");
            }

            info.Delete();
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(linkPath));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        File.CreateSymbolicLink(linkPath, slavePath);
    }
}
