using System.Globalization;
using System.Text;

namespace ConformityLab;

/// <summary>
/// Makes untrusted text (anything a device said) safe to print on a terminal: control characters
/// (C0, DEL, C1, which carry escape sequences), bidirectional overrides and other format
/// characters, and lone surrogates become visible <c>\xNN</c> or <c>\u{NNNN}</c> escapes; very
/// long text is clipped with its length stated. Markup of a terminal library is not this
/// function's business: escape that separately.
/// </summary>
public static class TerminalText
{
    /// <summary>The longest text printed whole.</summary>
    public const int MaxLength = 300;

    /// <summary>The printable form of <paramref name="text"/>.</summary>
    public static string Printable(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var sb = new StringBuilder(Math.Min(text.Length, MaxLength + 40));
        for (var i = 0; i < text.Length && sb.Length < MaxLength; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                sb.Append(c).Append(text[++i]);
                continue;
            }

            var category = char.GetUnicodeCategory(c);
            if (c < 0x20 || (c >= 0x7f && c < 0xa0))
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else if (category is UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.OtherNotAssigned)
            {
                sb.Append("\\u{").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)).Append('}');
            }
            else
            {
                sb.Append(c);
            }
        }

        if (sb.Length >= MaxLength && text.Length > MaxLength)
        {
            sb.Append(CultureInfo.InvariantCulture, $"… ({text.Length} characters)");
        }

        return sb.ToString();
    }

    /// <summary>Text for a CSV cell that no spreadsheet reads as a formula: a leading <c>=</c>, <c>+</c>, <c>-</c> or <c>@</c> gets a quote before it.</summary>
    public static string NoFormula(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' ? "'" + text : text;
}
