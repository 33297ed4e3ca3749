namespace ConformityLab.Adb.Parsers;

/// <summary>Parses the output of a bare <c>getprop</c>: one <c>[key]: [value]</c> per property.</summary>
public static class GetpropParser
{
    /// <summary>
    /// Every property of the dump. A value that holds a newline continues on the next lines
    /// until one ends with <c>]</c>, which is how getprop prints it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Parse(string dump)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        string? key = null;
        var value = new System.Text.StringBuilder();
        foreach (var raw in dump.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            if (key is not null)
            {
                // Inside a multi-line value.
                value.Append('\n');
                if (raw.EndsWith(']'))
                {
                    value.Append(raw.AsSpan(0, raw.Length - 1));
                    properties[key] = value.ToString();
                    key = null;
                }
                else
                {
                    value.Append(raw);
                }

                continue;
            }

            if (!raw.StartsWith('['))
            {
                continue;
            }

            var split = raw.IndexOf("]: [", StringComparison.Ordinal);
            if (split < 0)
            {
                continue;
            }

            var name = raw[1..split];
            var rest = raw[(split + 4)..];
            if (rest.EndsWith(']'))
            {
                properties[name] = rest[..^1];
            }
            else
            {
                key = name;
                value.Clear().Append(rest);
            }
        }

        return properties;
    }
}
