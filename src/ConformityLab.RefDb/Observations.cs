using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using nietras.SeparatedValues;

namespace ConformityLab.RefDb;

/// <summary>
/// Radio access technologies as generations, a bitmask: what an observation's <c>rat</c> column
/// says the device attached with, and what a model's GSMA bands say it can do.
/// </summary>
[Flags]
public enum RatGenerations : byte
{
    /// <summary>None known.</summary>
    None = 0,

    /// <summary>GERAN: GSM, GPRS, EDGE.</summary>
    G2 = 1,

    /// <summary>UTRAN: WCDMA, HSPA, TD-SCDMA (and CDMA2000, its generation).</summary>
    G3 = 2,

    /// <summary>E-UTRAN: LTE, LTE-M, NB-IoT.</summary>
    G4 = 4,

    /// <summary>NR.</summary>
    G5 = 8,
}

/// <summary>The mappings from a <c>rat</c> cell and from GSMA bands to <see cref="RatGenerations"/>.</summary>
public static class Rat
{
    /// <summary>
    /// A <c>rat</c> cell: one or more values separated by <c>|</c>, each a 3GPP TS 29.274 §8.17 RAT
    /// Type code (1 UTRAN, 2 GERAN, 5 HSPA Evolution, 6 E-UTRAN, 8 E-UTRAN NB-IoT, 9 LTE-M, 10 NR;
    /// zero-padded as DIRBS's files have them) or a name (2G, GSM, GERAN, 3G, UMTS, WCDMA, UTRAN,
    /// 4G, LTE, EUTRAN, 5G, NR). WLAN and GAN (3, 4) and virtual (7) attach no cellular radio and
    /// count as none. Null when a value is none of these.
    /// </summary>
    public static RatGenerations? Parse(ReadOnlySpan<char> cell)
    {
        var result = RatGenerations.None;
        foreach (var range in cell.Split('|'))
        {
            var token = cell[range].Trim();
            if (token.IsEmpty)
            {
                continue;
            }

            RatGenerations? one = int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var code)
                ? code switch { 1 or 5 => RatGenerations.G3, 2 => RatGenerations.G2, 6 or 8 or 9 => RatGenerations.G4, 10 => RatGenerations.G5, 3 or 4 or 7 => RatGenerations.None, _ => null }
                : Name(token);
            if (one is null)
            {
                return null;
            }

            result |= one.Value;
        }

        return result;
    }

    private static RatGenerations? Name(ReadOnlySpan<char> token)
    {
        Span<char> upper = stackalloc char[Math.Min(token.Length, 16)];
        if (token.Length > 16)
        {
            return null;
        }

        token.ToUpperInvariant(upper);
        return upper switch
        {
            "2G" or "GSM" or "GERAN" or "GPRS" or "EDGE" => RatGenerations.G2,
            "3G" or "UMTS" or "WCDMA" or "UTRAN" or "HSPA" => RatGenerations.G3,
            "4G" or "LTE" or "EUTRAN" or "E-UTRAN" or "NB-IOT" or "LTE-M" => RatGenerations.G4,
            "5G" or "NR" => RatGenerations.G5,
            _ => null,
        };
    }

    /// <summary>
    /// What a GSMA TAC record's bands let a model attach with: GSM (and DCS/PCS as GSM names them)
    /// is 2G; WCDMA, UMTS, HSPA, TD-SCDMA and CDMA2000 are 3G; LTE (FDD, TDD, NB-IoT, LTE-M) is 4G;
    /// NR and 5G are 5G. <see cref="RatGenerations.None"/> when the bands are empty or name no
    /// generation: then nothing can be said, and no observation is inconsistent.
    /// </summary>
    public static RatGenerations OfBands(string? bands)
    {
        var result = RatGenerations.None;
        foreach (var band in (bands ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var b = band.ToUpperInvariant();
            if (b.StartsWith("GSM", StringComparison.Ordinal) || b.StartsWith("DCS", StringComparison.Ordinal) || b.StartsWith("PCS", StringComparison.Ordinal) || b.StartsWith("EGSM", StringComparison.Ordinal))
            {
                result |= RatGenerations.G2;
            }
            else if (b.StartsWith("WCDMA", StringComparison.Ordinal) || b.StartsWith("UMTS", StringComparison.Ordinal) || b.StartsWith("HSPA", StringComparison.Ordinal) || b.StartsWith("TD-SCDMA", StringComparison.Ordinal) || b.StartsWith("CDMA", StringComparison.Ordinal))
            {
                result |= RatGenerations.G3;
            }
            else if (b.StartsWith("LTE", StringComparison.Ordinal) || b.StartsWith("NB-IOT", StringComparison.Ordinal) || b.StartsWith("E-UTRA", StringComparison.Ordinal))
            {
                result |= RatGenerations.G4;
            }
            else if (b.StartsWith("NR", StringComparison.Ordinal) || b.StartsWith("5G", StringComparison.Ordinal))
            {
                result |= RatGenerations.G5;
            }
        }

        return result;
    }

    /// <summary>The generations as text: <c>2G,4G</c>.</summary>
    public static string Text(RatGenerations g) =>
        g == RatGenerations.None ? "none" : string.Join(',', new[] { (RatGenerations.G2, "2G"), (RatGenerations.G3, "3G"), (RatGenerations.G4, "4G"), (RatGenerations.G5, "5G") }.Where(p => g.HasFlag(p.Item1)).Select(p => p.Item2));
}

/// <summary>
/// The keyed hash of personal data: HMAC-SHA-256 under the database's secret, truncated to its
/// first 128 bits (RFC 2104 §5 allows truncation to half the output; 128 bits leave a collision
/// among a billion subscribers at odds of 1 in 10^20). Its input is a domain label and the
/// value, so an IMSI and an MSISDN of the same digits hash apart. The raw value never leaves the
/// process: only this hash is stored, logged or written.
/// </summary>
public sealed class SubscriberHasher(byte[] secret) : IDisposable
{
    private readonly ThreadLocal<IncrementalHash> _hmac = new(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret), trackAllValues: true);

    /// <summary>The hash of a value in a domain (<c>imsi</c>, <c>msisdn</c>).</summary>
    public UInt128 Hash(string domain, ReadOnlySpan<char> value)
    {
        var hmac = _hmac.Value!;
        Span<byte> buffer = stackalloc byte[64];
        var n = Encoding.ASCII.GetBytes(domain, buffer);
        buffer[n++] = (byte)':';
        n += Encoding.ASCII.GetBytes(value, buffer[n..]);
        hmac.AppendData(buffer[..n]);
        Span<byte> mac = stackalloc byte[32];
        hmac.GetHashAndReset(mac);
        return BinaryPrimitives.ReadUInt128BigEndian(mac);
    }

    /// <summary>A hash as the 16 bytes stored (big-endian, so bytewise order is numeric order).</summary>
    public static byte[] Bytes(UInt128 hash)
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, hash);
        return bytes;
    }

    /// <summary>A hash as the 32 hex digits the lists carry.</summary>
    public static string Hex(UInt128 hash) => hash.ToString("x32", CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var h in _hmac.Values)
        {
            h.Dispose();
        }

        _hmac.Dispose();
    }
}

/// <summary>One stored observation: an IMEI with one subscriber (IMSI and MSISDN hashes) on one operator in one month, the days it was seen as a bitmask (bit 0 the 1st) and the generations it attached with.</summary>
public readonly record struct ObservationTriplet(string Imei, UInt128 Imsi, UInt128 Msisdn, int Month, uint Days, RatGenerations Rats);

/// <summary>An IMEI seen at a place (the optional <c>region</c> or <c>cell</c> column) on a day (yyyymmdd).</summary>
public readonly record struct ObservationPlace(string Imei, int Day, string Place);

/// <summary>A parsed operator data file: its triplets, merged and in key order, its places, and its refused lines.</summary>
/// <param name="Source">The file's name.</param>
/// <param name="Triplets">One per IMEI, subscriber and month, sorted by IMEI, IMSI hash, MSISDN hash and month.</param>
/// <param name="Places">Distinct (IMEI, day, place), when the file has a place column.</param>
/// <param name="Rejected">The refused lines.</param>
/// <param name="Lines">Data lines read.</param>
/// <param name="FirstDay">The earliest date seen (yyyymmdd), 0 when none.</param>
/// <param name="LastDay">The latest date seen (yyyymmdd), 0 when none.</param>
public sealed record ParsedObservations(string Source, IReadOnlyList<ObservationTriplet> Triplets, IReadOnlyList<ObservationPlace> Places, IReadOnlyList<RejectedLine> Rejected, long Lines, int FirstDay, int LastDay)
{
    /// <summary>The share of data lines refused.</summary>
    public double RejectedShare => Lines == 0 ? 0 : (double)Rejected.Count / Lines;

    /// <summary>
    /// The SHA-256 of the triplets as stored (hashes, never raw values), for the log: each in key
    /// order as the IMEI's UTF-8 bytes and a zero byte, the IMSI and MSISDN hashes (16 bytes each,
    /// big-endian), the month, the day mask (4 bytes each, big-endian) and the generations (1 byte).
    /// </summary>
    public string ContentHash()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> buffer = stackalloc byte[96];
        foreach (var t in Triplets)
        {
            var n = Encoding.UTF8.GetBytes(t.Imei, buffer);
            buffer[n++] = 0;
            BinaryPrimitives.WriteUInt128BigEndian(buffer[n..], t.Imsi);
            BinaryPrimitives.WriteUInt128BigEndian(buffer[(n + 16)..], t.Msisdn);
            BinaryPrimitives.WriteInt32BigEndian(buffer[(n + 32)..], t.Month);
            BinaryPrimitives.WriteUInt32BigEndian(buffer[(n + 36)..], t.Days);
            buffer[n + 40] = (byte)t.Rats;
            hash.AppendData(buffer[..(n + 41)]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// The parser of DIRBS's operator data format, <c>date,imei,imsi,msisdn,rat</c>, with an optional
/// <c>region</c> or <c>cell</c> column. Rows are parsed on every core; IMSI and MSISDN are hashed
/// as they are read (<see cref="SubscriberHasher"/>) and never kept as text. An IMEI is keyed as
/// the database keys it (its first 14 digits); a value that is no IMEI (letters, too short, all
/// zeros) is a real network observation and is kept, upper-cased, for the <c>malformed</c>
/// dimension to find, unless it is not printable or longer than 20 characters.
/// </summary>
public static class ObservationParser
{
    private static readonly string[] Required = ["date", "imei", "imsi", "msisdn", "rat"];

    /// <summary>Reads an operator data file.</summary>
    /// <param name="path">The CSV.</param>
    /// <param name="hasher">The database's keyed hash.</param>
    /// <param name="latestDay">The latest date a row may carry (the import's day): a later one is refused.</param>
    /// <param name="progress">Told the lines read, every 100,000.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="FormatException">The header lacks a column; the message names the format.</exception>
    public static ParsedObservations Read(string path, SubscriberHasher hasher, DateOnly latestDay, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var reader = Sep.Reader(o => o with { Unescape = true, Trim = SepTrim.All, DisableColCountCheck = true }).FromFile(path);
        var names = reader.Header.ColNames.Select(n => n.Trim().ToLowerInvariant()).ToList();
        var missing = Required.Where(r => !names.Contains(r)).ToList();
        if (missing.Count > 0)
        {
            throw new FormatException($"{Path.GetFileName(path)} has no {string.Join(", ", missing)} column; operator data has the header date,imei,imsi,msisdn,rat[,region or cell] (DIRBS's format)");
        }

        var place = names.IndexOf("region") is >= 0 and var r ? r : names.IndexOf("cell");
        var shape = new Shape([.. Required.Select(c => names.IndexOf(c))], place, names.Count, hasher, DayWindow.Number(latestDay));
        var merged = new Dictionary<Key, (uint Days, RatGenerations Rats)>();
        var places = new HashSet<(string, int, string)>();
        var rejected = new List<RejectedLine>();
        long lines = 0;
        int first = int.MaxValue, last = 0;
        foreach (var row in reader.ParallelEnumerate(shape.Parse))
        {
            lines++;
            if (lines % 100_000 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                progress?.Report(lines);
            }

            if (row.Error is not null)
            {
                rejected.Add(new RejectedLine(row.Line, row.Error));
                continue;
            }

            var key = new Key(row.Imei!, row.Imsi, row.Msisdn, row.Day / 100);
            ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(merged, key, out _);
            slot = (slot.Days | (1u << ((row.Day % 100) - 1)), slot.Rats | row.Rats);
            first = Math.Min(first, row.Day);
            last = Math.Max(last, row.Day);
            if (row.Place is not null)
            {
                places.Add((row.Imei!, row.Day, row.Place));
            }
        }

        var triplets = merged.Select(p => new ObservationTriplet(p.Key.Imei, p.Key.Imsi, p.Key.Msisdn, p.Key.Month, p.Value.Days, p.Value.Rats)).ToArray();
        Array.Sort(triplets, static (a, b) =>
        {
            var c = string.CompareOrdinal(a.Imei, b.Imei);
            c = c != 0 ? c : a.Imsi.CompareTo(b.Imsi);
            c = c != 0 ? c : a.Msisdn.CompareTo(b.Msisdn);
            return c != 0 ? c : a.Month.CompareTo(b.Month);
        });
        var placeList = places.Select(p => new ObservationPlace(p.Item1, p.Item2, p.Item3)).OrderBy(p => p.Imei, StringComparer.Ordinal).ThenBy(p => p.Day).ThenBy(p => p.Place, StringComparer.Ordinal).ToList();
        return new ParsedObservations(Path.GetFileName(path), triplets, placeList, rejected, lines, first == int.MaxValue ? 0 : first, last);
    }

    private readonly record struct Key(string Imei, UInt128 Imsi, UInt128 Msisdn, int Month);

    private readonly record struct Row(long Line, string? Error, string? Imei = null, UInt128 Imsi = default, UInt128 Msisdn = default, int Day = 0, RatGenerations Rats = default, string? Place = null);

    /// <summary>How the columns sit; parses one row. Shared state: thread-safe caches of IMEI keys, subscriber hashes and places.</summary>
    private sealed class Shape(int[] index, int place, int columns, SubscriberHasher hasher, int latestDay)
    {
        // A subscriber is seen on many days: each distinct value is hashed once. The caches live
        // as long as the parse, in memory only, keyed by the value as a number with its length.
        private readonly ConcurrentDictionary<long, UInt128> _imsi = new();
        private readonly ConcurrentDictionary<long, UInt128> _msisdn = new();
        private readonly ConcurrentDictionary<long, string> _imeis = new();
        private readonly ConcurrentDictionary<string, string> _places = new(StringComparer.Ordinal);

        public Row Parse(SepReader.Row row)
        {
            var line = row.LineNumberFrom;
            if (row.ColCount != columns)
            {
                return new Row(line, $"{row.ColCount} columns, the header has {columns}");
            }

            if (!TryDay(row[index[0]].Span, out var day))
            {
                return new Row(line, $"date '{TerminalText.Printable(Clip(row[index[0]].ToString()))}' is not yyyymmdd or yyyy-mm-dd");
            }

            if (day > latestDay)
            {
                return new Row(line, $"date {day} is later than the import's day {latestDay}");
            }

            var imei = Imei(row[index[1]].Span);
            if (imei is null)
            {
                return new Row(line, "the IMEI is empty, longer than 20 characters or not printable");
            }

            var imsiSpan = row[index[2]].Span;
            if (imsiSpan.Length is < 6 or > 15 || imsiSpan.ContainsAnyExceptInRange('0', '9'))
            {
                return new Row(line, "the IMSI is not 6 to 15 digits (3GPP TS 23.003 §2.2)");
            }

            var msisdnSpan = row[index[3]].Span.TrimStart('+');
            if (msisdnSpan.Length > 15 || msisdnSpan.ContainsAnyExceptInRange('0', '9'))
            {
                return new Row(line, "the MSISDN is not at most 15 digits (ITU-T E.164)");
            }

            var rats = Rat.Parse(row[index[4]].Span);
            if (rats is null)
            {
                return new Row(line, $"rat '{TerminalText.Printable(Clip(row[index[4]].ToString()))}' is not a 3GPP TS 29.274 RAT type or a known name (2G, 3G, 4G, 5G, GSM, UMTS, LTE, NR)");
            }

            string? where = null;
            if (place >= 0 && row[place].Span is { Length: > 0 } p)
            {
                if (p.Length > 64 || p.ContainsAnyExceptInRange(' ', '~'))
                {
                    return new Row(line, "the region or cell is longer than 64 characters or not printable ASCII");
                }

                where = _places.GetOrAdd(p.ToString(), static s => s);
            }

            var imsi = Hashed(_imsi, "imsi", imsiSpan);
            var msisdn = msisdnSpan.IsEmpty ? UInt128.Zero : Hashed(_msisdn, "msisdn", msisdnSpan);
            return new Row(line, null, imei, imsi, msisdn, day, rats.Value, where);
        }

        private UInt128 Hashed(ConcurrentDictionary<long, UInt128> cache, string domain, ReadOnlySpan<char> digits)
        {
            var key = Number(digits);
            if (!cache.TryGetValue(key, out var hash))
            {
                hash = hasher.Hash(domain, digits);

                // A feed of mostly distinct subscribers would fill the cache for nothing: it stops growing at a bound.
                if (Interlocked.Increment(ref _cached) < CacheBound)
                {
                    cache.TryAdd(key, hash);
                }
            }

            return hash;
        }

        private const int CacheBound = 4_000_000;
        private int _cached;
        private int _imeiCount;

        /// <summary>An IMEI's key: the first 14 digits of 14 to 16 digits (shared per key), else the value upper-cased; null when unusable.</summary>
        private string? Imei(ReadOnlySpan<char> value)
        {
            if (value.Length is >= 14 and <= 16 && !value.ContainsAnyExceptInRange('0', '9'))
            {
                var key = long.Parse(value[..14], CultureInfo.InvariantCulture);
                if (_imeis.TryGetValue(key, out var known))
                {
                    return known;
                }

                return Interlocked.Increment(ref _imeiCount) < CacheBound ? _imeis.GetOrAdd(key, new string(value[..14])) : new string(value[..14]);
            }

            return value.IsEmpty || value.Length > 20 || value.ContainsAnyExceptInRange('!', '~') ? null : value.ToString().ToUpperInvariant();
        }

        /// <summary>A digit string as one number that keeps its leading zeros: its length times 10^15 plus its value.</summary>
        private static long Number(ReadOnlySpan<char> digits) => (digits.Length * 1_000_000_000_000_000L) + (digits.IsEmpty ? 0 : long.Parse(digits, CultureInfo.InvariantCulture));

        private static string Clip(string s) => s.Length > 40 ? s[..40] + "..." : s;
    }

    /// <summary>A date as yyyymmdd, from yyyymmdd or yyyy-mm-dd.</summary>
    internal static bool TryDay(ReadOnlySpan<char> text, out int day)
    {
        day = 0;
        if (!DateOnly.TryParseExact(text, text.Length == 8 ? "yyyyMMdd" : "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
        {
            return false;
        }

        day = DayWindow.Number(d);
        return true;
    }
}
