using System.Text.RegularExpressions;

namespace ConformityLab.At;

/// <summary>The outcome of reading one field from one reply.</summary>
/// <param name="Status">Whether a value was read.</param>
/// <param name="Value">The value, when one was read.</param>
/// <param name="Note">Why not, when not.</param>
public readonly record struct ParsedValue(ReadingStatus Status, string? Value, string? Note)
{
    /// <summary>A value read.</summary>
    public static ParsedValue Of(string value) => new(ReadingStatus.Value, value, null);

    /// <summary>Nothing usable in the reply.</summary>
    public static ParsedValue Unparseable(string note) => new(ReadingStatus.Unparseable, null, note);

    /// <summary>The value stood in a line with noise.</summary>
    public static ParsedValue Noisy(string note) => new(ReadingStatus.Noisy, null, note);
}

/// <summary>
/// Pure readers of AT replies, cleaned the way ModemManager's <c>mm-modem-helpers</c> cleans them:
/// tags such as <c>+CGSN: </c>, labels such as <c>IMEI: </c>, and quotes are removed. A value that
/// stood in a line with line noise is never taken.
/// </summary>
public static partial class AtReplyParsers
{
    private static readonly string[] Labels =
    [
        "Manufacturer:", "Model:", "Model Name:", "Revision:", "Firmware Version:", "IMEI SV:", "IMEISV:", "IMEI:", "SVN:",
    ];

    /// <summary>Reads one line of text (+CGMI, +CGMM, +CGMR and their V.250 twins).</summary>
    public static ParsedValue Text(IReadOnlyList<AtLine> lines)
    {
        foreach (var line in lines)
        {
            var value = Clean(line.Text);
            if (value.Length == 0)
            {
                continue;
            }

            return line.Noisy ? ParsedValue.Noisy($"line noise in '{line.Text}'") : ParsedValue.Of(value);
        }

        return ParsedValue.Unparseable("the reply had no information text");
    }

    /// <summary>
    /// Reads an IMEI: the one 14 to 17 digit token of the reply, as given (a wrong length is kept
    /// so that <c>imei.format</c> can fail it). Some modems add a comma and a serial
    /// (<c>356936001568843,NL2A62Z0N5</c>): only the first token counts.
    /// </summary>
    public static ParsedValue Imei(IReadOnlyList<AtLine> lines) => DigitToken(lines, 14, 17, "an IMEI");

    /// <summary>Reads an IMEISV: the 16-digit token of the reply.</summary>
    public static ParsedValue ImeiSv(IReadOnlyList<AtLine> lines) => DigitToken(lines, 16, 16, "an IMEISV");

    /// <summary>Reads an SVN (TS 23.003 §6.2.2: two digits; some modems drop a leading zero).</summary>
    public static ParsedValue Svn(IReadOnlyList<AtLine> lines)
    {
        var parsed = DigitToken(lines, 1, 2, "an SVN");
        return parsed.Status == ReadingStatus.Value ? ParsedValue.Of(parsed.Value!.PadLeft(2, '0')) : parsed;
    }

    /// <summary>
    /// Reads one field from an ATI answer. Labelled lines win (<c>Manufacturer:</c>, <c>Model:</c>,
    /// <c>Revision:</c>, <c>IMEI:</c>, <c>IMEI SV:</c>, as Sierra and SIMCom's 4G modules print
    /// them). ATI's content is manufacturer-specific (V.250 §6.1.3), so an unlabelled line is the
    /// device's free-form description ("SIM800 R14.18", "LARA-R211"), not a manufacturer or
    /// model, unless <paramref name="layout"/> (from the vendor file of the manufacturer that
    /// +CGMI named) says which unlabelled line is which, as Quectel's and Telit's ATI give the
    /// manufacturer, then the model.
    /// </summary>
    public static ParsedValue Ati(IReadOnlyList<AtLine> lines, IdentityField field, IReadOnlyList<IdentityField>? layout = null)
    {
        string[] labels = field switch
        {
            IdentityField.Manufacturer => ["Manufacturer:"],
            IdentityField.Model => ["Model:", "Model Name:"],
            IdentityField.Revision => ["Revision:", "Firmware Version:"],
            IdentityField.Imei => ["IMEI:"],
            IdentityField.ImeiSv => ["IMEI SV:", "IMEISV:", "SVN:"],
            _ => [],
        };
        foreach (var line in lines)
        {
            foreach (var label in labels)
            {
                if (line.Text.StartsWith(label, StringComparison.OrdinalIgnoreCase))
                {
                    var one = new[] { line };
                    return field switch
                    {
                        IdentityField.Imei => Imei(one),
                        IdentityField.ImeiSv => Svn(one),
                        _ => Text(one),
                    };
                }
            }
        }

        var unlabelled = lines.Where(l => !l.Text.Contains(':', StringComparison.Ordinal)).ToList();
        var index = layout is null ? -1 : layout.ToList().IndexOf(field);
        if (index >= 0 && index < unlabelled.Count)
        {
            return Text([unlabelled[index]]);
        }

        return unlabelled.Count > 0 && field is IdentityField.Manufacturer or IdentityField.Model
            ? ParsedValue.Unparseable($"the ATI answer has no '{labels[0]}' line; its free-form text ('{Clean(unlabelled[0].Text)}') is the device's description, not read as a {field.ToString().ToLowerInvariant()} (no vendor file describes this ATI layout)")
            : ParsedValue.Unparseable($"the ATI answer names no {field.ToString().ToLowerInvariant()}");
    }

    /// <summary>Removes a response tag (<c>+CGMI: </c>, <c>#CGSN: </c>), a known label and enclosing quotes.</summary>
    public static string Clean(string text)
    {
        var value = Tag().Replace(text, string.Empty, 1).Trim();
        foreach (var label in Labels)
        {
            if (value.StartsWith(label, StringComparison.OrdinalIgnoreCase))
            {
                value = value[label.Length..].Trim();
                break;
            }
        }

        if (value.Length >= 2 && value[0] == '"')
        {
            var close = value.IndexOf('"', 1);
            value = close > 0 ? value[1..close] : value[1..];
        }

        return value.Trim();
    }

    private static ParsedValue DigitToken(IReadOnlyList<AtLine> lines, int minDigits, int maxDigits, string what)
    {
        var found = new List<(string Token, bool Noisy)>();
        var noisy = false;
        foreach (var line in lines)
        {
            noisy |= line.Noisy;
            var value = Clean(line.Text);
            var end = value.IndexOfAny([',', ' ', '\t']);
            var token = end < 0 ? value : value[..end];
            if (token.Length >= minDigits && token.Length <= maxDigits && token.All(char.IsAsciiDigit))
            {
                found.Add((token, line.Noisy));
            }
        }

        if (found.Count == 0)
        {
            return noisy
                ? ParsedValue.Noisy($"the reply was corrupted by line noise; no clean {what}")
                : ParsedValue.Unparseable($"no {minDigits}-{maxDigits} digit token that could be {what}");
        }

        if (found.Any(f => f.Noisy))
        {
            return ParsedValue.Noisy($"line noise stood in the line of {what}; the value is not trusted");
        }

        var distinct = found.Select(f => f.Token).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1
            ? ParsedValue.Of(distinct[0])
            : ParsedValue.Unparseable($"ambiguous: several candidates for {what} ({string.Join(", ", distinct)})");
    }

    [GeneratedRegex(@"^[+#^$%*][A-Za-z0-9_]+:\s*", RegexOptions.CultureInvariant)]
    private static partial Regex Tag();
}
