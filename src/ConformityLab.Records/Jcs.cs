using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ConformityLab.Records;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): members sorted by their names' UTF-16 code units,
/// no whitespace, strings escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript's
/// shortest form. The signature of a record covers exactly these bytes, so any verifier can
/// recompute them from the record as it stands in the file.
/// </summary>
public static class Jcs
{
    /// <summary>The canonical UTF-8 bytes of <paramref name="value"/>.</summary>
    /// <exception cref="FormatException">The value is not I-JSON (RFC 7493): a duplicate member name, a lone surrogate, or a number outside IEEE 754 double range.</exception>
    public static byte[] Canonicalize(JsonElement value)
    {
        var builder = new StringBuilder();
        Write(value, builder, "$");
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>Canonical UTF-8 bytes of JSON text.</summary>
    /// <exception cref="JsonException">The text is not JSON.</exception>
    /// <exception cref="FormatException">It is JSON but not I-JSON (see <see cref="Canonicalize(JsonElement)"/>).</exception>
    public static byte[] Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowDuplicateProperties = false });
        return Canonicalize(document.RootElement);
    }

    private static void Write(JsonElement value, StringBuilder output, string path)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<(string Name, JsonElement Value)>();
                var seen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject())
                {
                    var name = Text(property, path);
                    if (!seen.Add(name))
                    {
                        throw new FormatException($"duplicate member '{name}' at {path}");
                    }

                    members.Add((name, property.Value));
                }

                // RFC 8785 §3.2.3: sort by the names' UTF-16 code units, which is what CompareOrdinal compares.
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                output.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        output.Append(',');
                    }

                    WriteString(members[i].Name, output);
                    output.Append(':');
                    Write(members[i].Value, output, $"{path}.{members[i].Name}");
                }

                output.Append('}');
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    if (index > 0)
                    {
                        output.Append(',');
                    }

                    Write(item, output, $"{path}[{index++}]");
                }

                output.Append(']');
                break;
            case JsonValueKind.String:
                WriteString(Text(value, path), output);
                break;
            case JsonValueKind.Number:
                if (!value.TryGetDouble(out var number) || double.IsInfinity(number))
                {
                    throw new FormatException($"the number at {path} is outside IEEE 754 double range");
                }

                output.Append(Number(number));
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            case JsonValueKind.Null:
                output.Append("null");
                break;
            default:
                throw new FormatException($"no JSON value at {path}");
        }
    }

    private static string Text(JsonProperty property, string path)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"a member name at {path} is not valid Unicode: {e.Message}", e);
        }
    }

    private static string Text(JsonElement value, string path)
    {
        try
        {
            var text = value.GetString()!;
            for (var i = 0; i < text.Length; i++)
            {
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
                else if (char.IsSurrogate(text[i]))
                {
                    throw new FormatException($"the string at {path} holds a lone surrogate (U+{(int)text[i]:X4})");
                }
            }

            return text;
        }
        catch (InvalidOperationException e)
        {
            throw new FormatException($"the string at {path} is not valid Unicode: {e.Message}", e);
        }
    }

    /// <summary>RFC 8785 §3.2.2.2: only '"', '\' and the C0 controls are escaped; \b \t \n \f \r by name, the rest as \u00xx.</summary>
    private static void WriteString(string text, StringBuilder output)
    {
        output.Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': output.Append("\\\""); break;
                case '\\': output.Append("\\\\"); break;
                case '\b': output.Append("\\b"); break;
                case '\t': output.Append("\\t"); break;
                case '\n': output.Append("\\n"); break;
                case '\f': output.Append("\\f"); break;
                case '\r': output.Append("\\r"); break;
                case < ' ': output.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: output.Append(c); break;
            }
        }

        output.Append('"');
    }

    /// <summary>
    /// ECMAScript's Number::toString (ECMA-262 §7.1.12.1, which RFC 8785 §3.2.2.3 adopts): the
    /// shortest digits that round-trip, in fixed notation for decimal exponents from -6 to 20 and
    /// in exponent notation (<c>1e+21</c>, <c>5e-324</c>) outside them.
    /// </summary>
    public static string Number(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
        {
            throw new FormatException("NaN and Infinity have no JSON form");
        }

        if (value == 0)
        {
            return "0"; // also -0
        }

        // .NET's "R" gives the shortest round-trip digits; take them and their exponent apart.
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOf('E', StringComparison.Ordinal);
        var mantissa = e < 0 ? r : r[..e];
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = dot < 0 ? mantissa : mantissa.Remove(dot, 1);
        var n = (dot < 0 ? mantissa.Length : dot) + exponent; // the decimal point sits after n digits
        var lead = digits.Length - digits.TrimStart('0').Length;
        digits = digits.TrimStart('0').TrimEnd('0');
        n -= lead;
        var k = digits.Length;

        string text;
        if (k <= n && n <= 21)
        {
            text = digits + new string('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            text = digits[..n] + "." + digits[n..];
        }
        else if (-6 < n && n <= 0)
        {
            text = "0." + new string('0', -n) + digits;
        }
        else
        {
            var exp = n - 1;
            text = (k == 1 ? digits : digits[0] + "." + digits[1..]) + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString(CultureInfo.InvariantCulture);
        }

        return value < 0 ? "-" + text : text;
    }
}
