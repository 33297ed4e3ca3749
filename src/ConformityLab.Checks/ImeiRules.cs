using System.Globalization;

namespace ConformityLab.Checks;

/// <summary>
/// The identifier rules of 3GPP TS 23.003 §6.2 and GSMA TS.06, as pure functions on strings.
/// Each returns whether the value passes and a one-line reason.
/// </summary>
public static class ImeiRules
{
    /// <summary>
    /// Values that firmware ships instead of a real IMEI. All-zero IMEIs come from wiped EFS
    /// partitions; the others are vendor defaults and tutorial values seen on clones.
    /// </summary>
    private static readonly HashSet<string> KnownPlaceholders = new(StringComparer.Ordinal)
    {
        "123456789012345",
        "123456789012347",
        "012345678901237",
        "001100110011002",
        "004999010640000",
        "987654321098765",
    };

    /// <summary>TS 23.003 §6.2.1: an IMEI is 15 decimal digits.</summary>
    public static (bool Ok, string Reason) Format(string imei)
    {
        if (imei.Length != 15)
        {
            return (false, $"'{imei}' has {imei.Length} characters; an IMEI has 15 digits");
        }

        return imei.All(char.IsAsciiDigit)
            ? (true, "15 decimal digits")
            : (false, $"'{imei}' contains a character that is not a decimal digit");
    }

    /// <summary>
    /// The Luhn check digit (TS 23.003 Annex B) of a 14-digit TAC+SNR: every second digit from
    /// the right of the 14 is doubled, the digit sum is taken, and the check digit brings it to a
    /// multiple of ten.
    /// </summary>
    public static int LuhnCheckDigit(ReadOnlySpan<char> first14)
    {
        if (first14.Length != 14)
        {
            throw new ArgumentException("the Luhn check digit of an IMEI is computed over 14 digits", nameof(first14));
        }

        var sum = 0;
        for (var i = 0; i < 14; i++)
        {
            if (!char.IsAsciiDigit(first14[i]))
            {
                throw new ArgumentException($"'{first14}' is not all decimal digits", nameof(first14));
            }

            var d = first14[i] - '0';
            if (i % 2 == 1)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>The 15th digit is the Luhn check digit of the first 14.</summary>
    public static (bool Ok, string Reason) Luhn(string imei)
    {
        if (!Format(imei).Ok)
        {
            return (false, $"'{imei}' is not 15 digits, so its check digit cannot be verified");
        }

        var expected = LuhnCheckDigit(imei.AsSpan(0, 14));
        var actual = imei[14] - '0';
        return expected == actual
            ? (true, $"check digit {actual} is correct")
            : (false, $"check digit is {actual}, the Luhn digit of {imei[..14]} is {expected}");
    }

    /// <summary>
    /// An IMEI that is no identity at all: all one digit, a known vendor or tutorial default,
    /// an ascending run, or a short repeating pattern across TAC and SNR.
    /// </summary>
    public static (bool Ok, string Reason) Placeholder(string imei)
    {
        if (imei.Length == 0)
        {
            return (false, "empty value");
        }

        if (imei.All(c => c == imei[0]))
        {
            return (false, $"'{imei}' is one digit repeated (wiped or unprogrammed identity)");
        }

        if (KnownPlaceholders.Contains(imei))
        {
            return (false, $"'{imei}' is a known placeholder IMEI shipped by unprogrammed or cloned firmware");
        }

        var body = imei.Length >= 14 ? imei[..14] : imei;
        if (IsAscendingRun(body))
        {
            return (false, $"'{imei}' is an ascending digit run, not an allocated identity");
        }

        for (var period = 2; period <= 4; period++)
        {
            if (IsPeriodic(body, period))
            {
                return (false, $"'{imei}' repeats a {period}-digit pattern, not an allocated identity");
            }
        }

        return (true, "not a known placeholder pattern");
    }

    /// <summary>
    /// Test TACs reserved for test equipment and type approval: prefix 00 followed by
    /// 1001–1017, 44, 86 or 91 (TS 23.003 and GSMA TS.06 reporting body 00).
    /// </summary>
    public static (bool Ok, string Reason) TestTac(string imei)
    {
        if (imei.Length < 8 || !imei.AsSpan(0, 8).ContainsOnlyDigits())
        {
            return (false, $"'{imei}' has no 8-digit TAC");
        }

        var tac = imei[..8];
        if (tac.StartsWith("00", StringComparison.Ordinal))
        {
            var four = int.Parse(tac.AsSpan(2, 4), CultureInfo.InvariantCulture);
            var two = tac.Substring(2, 2);
            if (four is >= 1001 and <= 1017 || two is "44" or "86" or "91")
            {
                return (false, $"TAC {tac} is a test TAC, not allocated to production equipment");
            }
        }

        return (true, $"TAC {tac} is not a test TAC");
    }

    /// <summary>IMEISV (TS 23.003 §6.2.2): 16 digits, and SVN 99 is reserved.</summary>
    public static (bool Ok, string Reason) Svn(string imeisv)
    {
        if (imeisv.Length != 16 || !imeisv.AsSpan().ContainsOnlyDigits())
        {
            return (false, $"'{imeisv}' is not 16 decimal digits");
        }

        var svn = imeisv[14..];
        return svn == "99"
            ? (false, "SVN 99 is reserved for future use (TS 23.003 §6.2.2)")
            : (true, $"SVN {svn} is a valid software version number");
    }

    private static bool IsAscendingRun(string digits)
    {
        for (var i = 1; i < digits.Length; i++)
        {
            if (digits[i] != (char)('0' + ((digits[i - 1] - '0' + 1) % 10)))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsPeriodic(string digits, int period)
    {
        for (var i = period; i < digits.Length; i++)
        {
            if (digits[i] != digits[i - period])
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsOnlyDigits(this ReadOnlySpan<char> span)
    {
        foreach (var c in span)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
