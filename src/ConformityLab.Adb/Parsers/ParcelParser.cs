using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ConformityLab.Adb.Parsers;

/// <summary>How a binder reply that should carry one string ended.</summary>
public enum ParcelOutcome
{
    /// <summary>Status 0 and a string.</summary>
    String,

    /// <summary>Status 0 and a null string (length -1): the service had no value, or refused quietly.</summary>
    NullString,

    /// <summary>A non-zero status: the service threw (SecurityException is -1).</summary>
    Exception,

    /// <summary>Nothing that reads as a Parcel: the service is missing, or the dump is cut short.</summary>
    Malformed,
}

/// <summary>A string reply of <c>service call</c>, decoded.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Value">The string, for <see cref="ParcelOutcome.String"/>.</param>
/// <param name="ExceptionCode">The binder exception code for <see cref="ParcelOutcome.Exception"/> (EX_SECURITY = -1).</param>
/// <param name="Message">The exception message, or why the dump is malformed.</param>
public sealed record ParcelReply(ParcelOutcome Outcome, string? Value, int ExceptionCode, string? Message)
{
    /// <summary>The name of a binder exception code (<c>Parcel.java</c> EX_*).</summary>
    public static string ExceptionName(int code) => code switch
    {
        -1 => "SecurityException",
        -2 => "BadParcelableException",
        -3 => "IllegalArgumentException",
        -4 => "NullPointerException",
        -5 => "IllegalStateException",
        -6 => "NetworkOnMainThreadException",
        -7 => "UnsupportedOperationException",
        -8 => "ServiceSpecificException",
        -9 => "ParcelableException",
        _ => $"exception code {code}",
    };
}

/// <summary>
/// Parses the dump <c>service call</c> prints: <c>Result: Parcel(</c>, then lines of an offset,
/// up to four 32-bit words in hex and a quoted rendering. The reply is a status int32 (0, or a
/// negative binder exception code), then a String16: a char count (-1 for null) and the UTF-16
/// units packed two per little-endian word, low half first.
/// </summary>
public static partial class ParcelParser
{
    /// <summary>The 32-bit words of the dump, in order (the offsets and the quoted column are dropped).</summary>
    public static IReadOnlyList<uint> Words(string dump)
    {
        var words = new List<uint>();
        var start = dump.IndexOf("Parcel(", StringComparison.Ordinal);
        if (start < 0)
        {
            return words;
        }

        foreach (var raw in dump[(start + "Parcel(".Length)..].Split('\n'))
        {
            var line = raw;
            var quote = line.IndexOf('\'', StringComparison.Ordinal);
            if (quote >= 0)
            {
                line = line[..quote];
            }

            foreach (Match m in WordPattern().Matches(line))
            {
                words.Add(uint.Parse(m.Value, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
        }

        return words;
    }

    /// <summary>Decodes a reply that carries one string (every <c>IPhoneSubInfo</c> getter).</summary>
    public static ParcelReply ParseStringReply(string dump)
    {
        var words = Words(dump);
        if (words.Count == 0)
        {
            var first = dump.Trim().Split('\n')[0].Trim();
            return new ParcelReply(ParcelOutcome.Malformed, null, 0, first.Length == 0 ? "empty reply" : $"not a Parcel dump: '{first}'");
        }

        var index = 0;
        // A non-zero status is a binder exception (EX_SECURITY = -1, and so on); EX_HAS_REPLY_HEADER (-128)
        // is reported as such rather than guessed through, so a value is never misread.
        var status = (int)words[index++];
        if (status != 0)
        {
            var message = TryString(words, index, out var text, out _) ? text : null;
            return new ParcelReply(ParcelOutcome.Exception, null, status, message);
        }

        if (!TryString(words, index, out var value, out var isNull))
        {
            return new ParcelReply(ParcelOutcome.Malformed, null, 0, $"status 0, but the {words.Count} word(s) hold no complete String16");
        }

        return isNull
            ? new ParcelReply(ParcelOutcome.NullString, null, 0, "the service returned a null string")
            : new ParcelReply(ParcelOutcome.String, value, 0, null);
    }

    private static bool TryString(IReadOnlyList<uint> words, int index, out string? value, out bool isNull)
    {
        value = null;
        isNull = false;
        if (index >= words.Count)
        {
            return false;
        }

        var length = (int)words[index];
        if (length == -1)
        {
            isNull = true;
            return true;
        }

        if (length < 0 || index + 1 + ((length + 1) / 2) > words.Count)
        {
            return false;
        }

        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            var word = words[index + 1 + (i / 2)];
            sb.Append((char)(i % 2 == 0 ? word & 0xFFFF : word >> 16));
        }

        value = sb.ToString();
        return true;
    }

    [GeneratedRegex(@"(?<![0-9A-Fa-fx:])[0-9A-Fa-f]{8}(?![0-9A-Fa-f:])")]
    private static partial Regex WordPattern();
}
