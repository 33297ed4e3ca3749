using System.Text;

namespace ConformityLab;

/// <summary>
/// Splits an AT command line into its commands as a V.250 DCE reads it (ITU-T V.250 §5.2-5.4):
/// the <c>AT</c> prefix in any case; spaces ignored outside quoted strings; basic commands (a
/// letter and its number, <c>&amp;</c> and a letter, <c>S</c> parameters, <c>D</c> taking the rest
/// of the line); extended and vendor commands starting with <c>+ % ^ # $ * !</c> running to the
/// next <c>;</c> outside quotes. Where a device would be lenient, the split is too: a new command
/// prefix outside quotes starts a new command even without a <c>;</c>, so no concatenated command
/// can hide behind another. Each command comes back as its own line, <c>AT</c> followed by the
/// command with spaces outside quotes removed, ready for a per-command rule. Pure.
/// </summary>
public static class V250CommandLine
{
    private const string ExtendedPrefixes = "+%^#$*!";

    /// <summary>The commands of <paramref name="line"/>, each as <c>AT&lt;command&gt;</c>; the line itself when it does not start with AT.</summary>
    public static IReadOnlyList<string> Split(string line)
    {
        var compact = Compact(line);
        if (!compact.StartsWith("AT", StringComparison.OrdinalIgnoreCase))
        {
            return compact.Length == 0 ? [] : [compact];
        }

        var body = compact[2..];
        var commands = new List<string>();
        var i = 0;
        while (i < body.Length)
        {
            var c = body[i];
            if (c == ';')
            {
                i++;
                continue;
            }

            var start = i;
            if (ExtendedPrefixes.Contains(c, StringComparison.Ordinal))
            {
                i = EndOfExtended(body, i + 1);
            }
            else if (c is '&')
            {
                i = EndOfBasic(body, Math.Min(i + 2, body.Length));
            }
            else if (char.ToUpperInvariant(c) == 'D')
            {
                // V.250 §6.3.1: the dial string runs to the end of the line (a ';' there only keeps command mode).
                i = body.Length;
            }
            else if (char.ToUpperInvariant(c) == 'S')
            {
                i = EndOfBasic(body, i + 1);
                if (i < body.Length && body[i] is '=' or '?')
                {
                    i = EndOfBasic(body, i + 1);
                }
            }
            else
            {
                i = EndOfBasic(body, i + 1);
            }

            commands.Add("AT" + body[start..i]);
        }

        return commands;
    }

    /// <summary>The line without the spaces and tabs that V.250 §5.2.1 tells the DCE to ignore (those inside quoted strings stay).</summary>
    public static string Compact(string line)
    {
        var sb = new StringBuilder(line.Length);
        var quoted = false;
        foreach (var c in line.Trim())
        {
            if (c == '"')
            {
                quoted = !quoted;
            }

            if (quoted || c is not (' ' or '\t'))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static int EndOfExtended(string body, int i)
    {
        var quoted = false;
        for (; i < body.Length; i++)
        {
            var c = body[i];
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && (c == ';' || ExtendedPrefixes.Contains(c, StringComparison.Ordinal)))
            {
                return i;
            }
        }

        return i;
    }

    private static int EndOfBasic(string body, int i)
    {
        while (i < body.Length && char.IsAsciiDigit(body[i]))
        {
            i++;
        }

        return i;
    }
}
