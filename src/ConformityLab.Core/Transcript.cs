using System.Text;
using System.Text.Json;

namespace ConformityLab;

/// <summary>Which way the bytes of a transcript entry went.</summary>
public enum Direction
{
    /// <summary>From the lab to the device.</summary>
    Tx,

    /// <summary>From the device to the lab.</summary>
    Rx,

    /// <summary>An event the lab recorded between the bytes (a timeout, a recovery, a disconnect).</summary>
    Note,
}

/// <summary>One timestamped chunk of bytes as it crossed the wire, or a note between them.</summary>
/// <param name="Time">When the chunk was written or read, from the transcript's <see cref="TimeProvider"/>.</param>
/// <param name="Direction">Which way it went.</param>
/// <param name="Data">The bytes exactly as they crossed (for a note, its UTF-8 text).</param>
public sealed record TranscriptEntry(DateTimeOffset Time, Direction Direction, byte[] Data);

/// <summary>
/// The evidence of a session: every byte exchanged with a device, in order, with a timestamp.
/// Safe to append from the reader and writer sides at once.
/// </summary>
public sealed class Transcript
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly List<TranscriptEntry> _entries = [];
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;

    /// <summary>Creates an empty transcript for one device.</summary>
    /// <param name="target">The target the transcript belongs to, as the operator gave it.</param>
    /// <param name="time">The clock for timestamps; <see cref="TimeProvider.System"/> when null.</param>
    public Transcript(string target, TimeProvider? time = null)
    {
        Target = target;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The target the transcript belongs to.</summary>
    public string Target { get; }

    /// <summary>A snapshot of the entries so far.</summary>
    public IReadOnlyList<TranscriptEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>Records bytes that crossed the wire. The span is copied.</summary>
    public void Record(Direction direction, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var entry = new TranscriptEntry(_time.GetUtcNow(), direction, data.ToArray());
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    /// <summary>Records an event between the bytes, such as a timeout or a recovery.</summary>
    public void Note(string text) => Record(Direction.Note, Encoding.UTF8.GetBytes(text));

    /// <summary>Total bytes recorded in one direction.</summary>
    public long ByteCount(Direction direction)
    {
        lock (_gate)
        {
            return _entries.Where(e => e.Direction == direction).Sum(e => (long)e.Data.Length);
        }
    }

    /// <summary>
    /// Writes the transcript as JSON Lines: one object per entry with the ISO 8601 time, the
    /// direction, the bytes in hex (exact) and a printable rendering (for people).
    /// </summary>
    public async Task SaveAsync(Stream destination, CancellationToken cancellationToken)
    {
        using var writer = new StreamWriter(destination, new UTF8Encoding(false), leaveOpen: true);
        foreach (var entry in Entries)
        {
            var line = JsonSerializer.Serialize(new
            {
                t = entry.Time.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
                dir = entry.Direction.ToString().ToLowerInvariant(),
                hex = Convert.ToHexStringLower(entry.Data),
                text = Printable(entry.Data),
            }, JsonOptions);
            await writer.WriteLineAsync(line.AsMemory(), cancellationToken).ConfigureAwait(false);
        }

        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the transcript to a file (see <see cref="SaveAsync(Stream, CancellationToken)"/>).</summary>
    public async Task SaveAsync(string path, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var file = File.Create(path);
        await SaveAsync(file, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Renders bytes for people: printable ASCII as is, CR and LF as \r and \n, the rest as \xNN.</summary>
    public static string Printable(ReadOnlySpan<byte> data)
    {
        var sb = new StringBuilder(data.Length);
        foreach (var b in data)
        {
            switch (b)
            {
                case (byte)'\r': sb.Append("\\r"); break;
                case (byte)'\n': sb.Append("\\n"); break;
                case (byte)'\\': sb.Append("\\\\"); break;
                case >= 0x20 and < 0x7f: sb.Append((char)b); break;
                default: sb.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); break;
            }
        }

        return sb.ToString();
    }
}
