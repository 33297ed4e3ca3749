using System.Buffers.Binary;

namespace ConformityLab.Adb.Simulator;

/// <summary>
/// One message of the device-side ADB transport (protocol.txt): a 24-byte header of six
/// little-endian u32 (command, arg0, arg1, data length, data checksum, magic = command ^ ~0)
/// and the payload.
/// </summary>
internal readonly record struct AdbMessage(uint Command, uint Arg0, uint Arg1, byte[] Data)
{
    public const uint Cnxn = 0x4e584e43;
    public const uint Open = 0x4e45504f;
    public const uint Okay = 0x59414b4f;
    public const uint Wrte = 0x45545257;
    public const uint Clse = 0x45534c43;
    public const uint Auth = 0x48545541;
    public const uint Sync = 0x434e5953;

    /// <summary>A_VERSION of adb 1.0.32 and later (checksums optional, but we always fill them).</summary>
    public const uint Version = 0x01000001;

    public const int HeaderSize = 24;

    public static string Name(uint command) => command switch
    {
        Cnxn => "CNXN",
        Open => "OPEN",
        Okay => "OKAY",
        Wrte => "WRTE",
        Clse => "CLSE",
        Auth => "AUTH",
        Sync => "SYNC",
        _ => $"0x{command:x8}",
    };

    /// <summary>protocol.txt: the checksum is the byte sum of the payload.</summary>
    public static uint Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        foreach (var b in data)
        {
            sum += b;
        }

        return sum;
    }

    public byte[] Encode()
    {
        var frame = new byte[HeaderSize + Data.Length];
        var span = frame.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, Command);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Arg0);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Arg1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], (uint)Data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], Checksum(Data));
        BinaryPrimitives.WriteUInt32LittleEndian(span[20..], Command ^ 0xffffffff);
        Data.CopyTo(span[HeaderSize..]);
        return frame;
    }

    public static async Task<AdbMessage?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        if (!await FillAsync(stream, header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var command = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(20));
        if (magic != (command ^ 0xffffffff))
        {
            throw new InvalidDataException($"bad ADB message magic 0x{magic:x8} for command 0x{command:x8}");
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(12));
        if (length > 16 * 1024 * 1024)
        {
            throw new InvalidDataException($"ADB message {Name(command)} announces {length} bytes of payload");
        }

        var data = new byte[length];
        if (length > 0 && !await FillAsync(stream, data, cancellationToken).ConfigureAwait(false))
        {
            throw new EndOfStreamException($"the host closed the transport inside a {Name(command)} payload");
        }

        return new AdbMessage(command, BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(4)), BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)), data);
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return read == 0 ? false : throw new EndOfStreamException("the host closed the transport inside a message header");
            }

            read += n;
        }

        return true;
    }
}
