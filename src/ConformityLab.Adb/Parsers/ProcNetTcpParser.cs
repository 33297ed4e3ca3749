using System.Globalization;
using System.Net;

namespace ConformityLab.Adb.Parsers;

/// <summary>One socket of <c>/proc/net/tcp</c> or <c>/proc/net/tcp6</c>.</summary>
/// <param name="Local">Local address.</param>
/// <param name="LocalPort">Local port.</param>
/// <param name="Remote">Remote address.</param>
/// <param name="RemotePort">Remote port.</param>
/// <param name="State">The TCP state (include/net/tcp_states.h): 0x0A is LISTEN.</param>
/// <param name="Uid">The owner's uid.</param>
public sealed record TcpSocket(IPAddress Local, int LocalPort, IPAddress Remote, int RemotePort, int State, int Uid)
{
    /// <summary>TCP_LISTEN.</summary>
    public const int Listen = 0x0A;
}

/// <summary>
/// Parses <c>/proc/net/tcp</c> and <c>tcp6</c>. Addresses are the kernel's in-memory words in
/// hex: IPv4 is one little-endian u32 (<c>0100007F</c> is 127.0.0.1), IPv6 four of them.
/// </summary>
public static class ProcNetTcpParser
{
    /// <summary>Every socket of the table; the header and malformed lines are skipped.</summary>
    public static IReadOnlyList<TcpSocket> Parse(string table)
    {
        var sockets = new List<TcpSocket>();
        foreach (var raw in table.Split('\n'))
        {
            var fields = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 8 || !fields[0].EndsWith(':') || !TryEndpoint(fields[1], out var local, out var localPort) || !TryEndpoint(fields[2], out var remote, out var remotePort))
            {
                continue;
            }

            if (!int.TryParse(fields[3], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var state))
            {
                continue;
            }

            _ = int.TryParse(fields[7], NumberStyles.None, CultureInfo.InvariantCulture, out var uid);
            sockets.Add(new TcpSocket(local, localPort, remote, remotePort, state, uid));
        }

        return sockets;
    }

    private static bool TryEndpoint(string text, out IPAddress address, out int port)
    {
        address = IPAddress.None;
        port = 0;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out port))
        {
            return false;
        }

        var hex = text[..colon];
        if (hex.Length is not (8 or 32))
        {
            return false;
        }

        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.AsSpan(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            // The word is the u32 as the (little-endian) kernel stored it: its low byte is the first address byte.
            BitConverter.TryWriteBytes(bytes.AsSpan(word * 4), value);
            if (!BitConverter.IsLittleEndian)
            {
                bytes.AsSpan(word * 4, 4).Reverse();
            }
        }

        address = new IPAddress(bytes);
        return true;
    }
}
