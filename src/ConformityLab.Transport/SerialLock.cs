using System.Runtime.InteropServices;

namespace ConformityLab.Transport;

/// <summary>
/// The lab's exclusive hold on a serial device: an advisory <c>flock</c> on the device node.
/// System.IO.Ports lets a second open of the same port succeed on Linux, and root ignores
/// TIOCEXCL, so the lab enforces exclusive use itself. The lock is per open file description, so
/// it holds against a second session in this process as well as in another.
/// </summary>
public sealed class SerialLock : IDisposable
{
    private int _fd;

    private SerialLock(int fd) => _fd = fd;

    /// <summary>Takes the lock, or throws naming the port when another session holds it.</summary>
    /// <exception cref="SerialPortUnavailableException">The device cannot be opened, or is in use.</exception>
    public static SerialLock Acquire(string name, string devicePath) =>
        TryAcquire(devicePath, name) ?? throw InUse(name, devicePath);

    /// <summary>The one message for a port another session holds, whether the lab's lock or the tty's exclusive mode said so.</summary>
    private static SerialPortUnavailableException InUse(string name, string devicePath) =>
        new($"{name}: already in use by another ConformityLab session (exclusive lock on {devicePath} is held)");

    /// <summary>Takes the lock, or returns null when another session holds it.</summary>
    /// <exception cref="SerialPortUnavailableException">The device cannot be opened at all.</exception>
    public static SerialLock? TryAcquire(string devicePath, string? name = null)
    {
        var fd = Libc.Open(devicePath, Libc.O_RDONLY | Libc.O_NOCTTY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();

            // Not root, and the holder put the tty in exclusive mode: the same "in use" as the lock says.
            throw errno == Libc.EBUSY
                ? InUse(name ?? devicePath, devicePath)
                : new SerialPortUnavailableException($"{name ?? devicePath}: cannot open: {Libc.Describe(errno)}");
        }

        if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            Libc.Close(fd);
            return null;
        }

        return new SerialLock(fd);
    }

    /// <summary>Releases the lock.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            Libc.Close(fd);
        }
    }
}
