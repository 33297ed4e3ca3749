using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace ConformityLab.Adb.Parsers;

/// <summary>An IMEI read off the <c>*#06#</c> screen.</summary>
/// <param name="Slot">1-based slot: from the label (<c>IMEI1</c>, <c>IMEI 2</c>, <c>IMEI (slot 2)</c>), else the order on screen.</param>
/// <param name="Imei">The 15 digits, separators removed.</param>
/// <param name="Svn">The SVN printed after a slash (<c>35...0/01</c>, as Samsung shows it), or null.</param>
/// <param name="Text">The text node it came from.</param>
public sealed record ScreenImei(int Slot, string Imei, string? Svn, string Text);

/// <summary>
/// Parses a <c>uiautomator dump</c> (the window hierarchy XML) and reads the IMEIs the
/// <c>*#06#</c> dialog shows.
/// </summary>
public static partial class UiAutomatorParser
{
    /// <summary>The <c>text</c> and <c>content-desc</c> of every node, in document order, empty ones left out.</summary>
    public static IReadOnlyList<string> Texts(string xml)
    {
        XDocument document;
        try
        {
            document = XDocument.Parse(xml);
        }
        catch (XmlException ex)
        {
            throw new FormatException($"the uiautomator dump is not XML: {ex.Message}", ex);
        }

        var texts = new List<string>();
        foreach (var node in document.Descendants("node"))
        {
            foreach (var attribute in new[] { "text", "content-desc" })
            {
                var value = node.Attribute(attribute)?.Value.Trim();
                if (!string.IsNullOrEmpty(value) && (texts.Count == 0 || texts[^1] != value))
                {
                    texts.Add(value);
                }
            }
        }

        return texts;
    }

    /// <summary>
    /// The IMEIs on the screen. A 15-digit run (spaces or dashes allowed inside, an optional
    /// <c>/NN</c> SVN after it) is an IMEI; its slot comes from an IMEI label in the same text or
    /// the text just before, else from its order. Numbers labelled MEID, EID, serial or IMEISV are
    /// not IMEIs and are skipped.
    /// </summary>
    public static IReadOnlyList<ScreenImei> Imeis(IReadOnlyList<string> texts)
    {
        var found = new List<ScreenImei>();
        int? pendingSlot = null;
        var skipNext = false;
        foreach (var text in texts)
        {
            var label = LabelPattern().Match(text);
            var other = OtherIdPattern().IsMatch(text);
            var numbers = NumberPattern().Matches(text);
            if (numbers.Count == 0)
            {
                // A label alone: it names the number in the next text.
                if (other)
                {
                    skipNext = true;
                    pendingSlot = null;
                }
                else if (label.Success)
                {
                    skipNext = false;
                    pendingSlot = label.Groups["n"].Success ? int.Parse(label.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture) : null;
                }

                continue;
            }

            if (other || (skipNext && !label.Success))
            {
                skipNext = false;
                pendingSlot = null;
                continue;
            }

            foreach (Match number in numbers)
            {
                var digits = new string(number.Groups["d"].Value.Where(char.IsAsciiDigit).ToArray());
                if (digits.Length != 15)
                {
                    continue;
                }

                int slot;
                if (label.Success && label.Groups["n"].Success)
                {
                    slot = int.Parse(label.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (pendingSlot is { } p)
                {
                    slot = p;
                }
                else
                {
                    slot = found.Count + 1;
                }

                pendingSlot = null;
                var svn = number.Groups["svn"].Success ? number.Groups["svn"].Value : null;
                found.Add(new ScreenImei(slot, digits, svn, text));
            }
        }

        return found;
    }

    [GeneratedRegex(@"\bIMEI(?!\s*/?\s*SV)\s*(?:\(\s*(?:slot|SIM)?\s*)?(?<n>[1-4])?\b", RegexOptions.IgnoreCase)]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"\b(MEID|EID|ESN|IMEI\s*/?\s*SV|IMEISV|serial)\b", RegexOptions.IgnoreCase)]
    private static partial Regex OtherIdPattern();

    [GeneratedRegex(@"(?<![\d])(?<d>\d(?:[\d \-]{12,24})\d)(?:\s*/\s*(?<svn>\d{2}))?(?![\d])")]
    private static partial Regex NumberPattern();
}
