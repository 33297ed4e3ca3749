namespace ConformityLab.At;

/// <summary>The final result codes of V.250 §5.7.2 and TS 27.007 §9.2.</summary>
public enum AtFinal
{
    /// <summary>OK.</summary>
    Ok,

    /// <summary>CONNECT [text]: a data call started; final for a command.</summary>
    Connect,

    /// <summary>ERROR.</summary>
    Error,

    /// <summary>+CME ERROR: &lt;n or text&gt; (TS 27.007 §9.2).</summary>
    CmeError,

    /// <summary>+CMS ERROR: &lt;n&gt; (TS 27.005 §3.2.5).</summary>
    CmsError,

    /// <summary>NO CARRIER.</summary>
    NoCarrier,

    /// <summary>BUSY.</summary>
    Busy,

    /// <summary>NO ANSWER.</summary>
    NoAnswer,

    /// <summary>NO DIALTONE.</summary>
    NoDialtone,
}

/// <summary>Pure classification of lines as final result codes and unsolicited result codes.</summary>
public static class AtResultCodes
{
    /// <summary>Prefixes of unsolicited result codes seen in the wild (TS 27.007 and vendor manuals).</summary>
    public static readonly IReadOnlyList<string> DefaultUnsolicited =
    [
        "RING", "RDY", "+CRING:", "+CLIP:", "+CREG:", "+CGREG:", "+CEREG:", "+C5GREG:", "+CPIN:", "+CMTI:",
        "+CMT:", "+CDS:", "+CBM:", "+CUSD:", "+CIEV:", "+CTZV:", "+CTZE:", "+CSCON:", "+CGEV:", "+CFUN:",
        "SMS Ready", "Call Ready", "NORMAL POWER DOWN", "POWERED DOWN", "+PBREADY", "^BOOT:", "^RSSI:",
        "^MODE:", "^SYSSTART", "+STIN:", "*ATREADY:",
    ];

    /// <summary>Whether <paramref name="line"/> is a final result code, and which.</summary>
    public static bool TryParseFinal(string line, out AtFinal final)
    {
        final = line switch
        {
            "OK" => AtFinal.Ok,
            "ERROR" => AtFinal.Error,
            "NO CARRIER" => AtFinal.NoCarrier,
            "BUSY" => AtFinal.Busy,
            "NO ANSWER" => AtFinal.NoAnswer,
            "NO DIALTONE" or "NO DIAL TONE" => AtFinal.NoDialtone,
            _ when line.StartsWith("+CME ERROR:", StringComparison.Ordinal) => AtFinal.CmeError,
            _ when line.StartsWith("+CMS ERROR:", StringComparison.Ordinal) => AtFinal.CmsError,
            _ when line == "CONNECT" || line.StartsWith("CONNECT ", StringComparison.Ordinal) => AtFinal.Connect,
            _ => (AtFinal)(-1),
        };
        return (int)final >= 0;
    }

    /// <summary>
    /// The information-text prefix a command's own answer carries: <c>AT+CGSN=1</c> → <c>+CGSN</c>,
    /// <c>AT#CGSN</c> → <c>#CGSN</c>, <c>ATI</c> → empty.
    /// </summary>
    public static string CommandPrefix(string command)
    {
        var body = command.StartsWith("AT", StringComparison.OrdinalIgnoreCase) ? command[2..] : command;
        if (body.Length == 0 || body[0] is not ('+' or '#' or '^' or '$' or '%' or '*'))
        {
            return string.Empty;
        }

        var end = 1;
        while (end < body.Length && (char.IsAsciiLetterOrDigit(body[end]) || body[end] == '_'))
        {
            end++;
        }

        return body[..end].ToUpperInvariant();
    }

    /// <summary>
    /// Whether a line is unsolicited while <paramref name="command"/> runs: it starts with a known
    /// URC prefix, and is not the command's own answer (<c>+CPIN: READY</c> answers <c>AT+CPIN?</c>).
    /// </summary>
    public static bool IsUnsolicited(string line, string command, IEnumerable<string> prefixes)
    {
        var own = CommandPrefix(command);
        foreach (var prefix in prefixes)
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var bare = prefix.TrimEnd(':', ' ');
            if (own.Length > 0 && string.Equals(bare, own, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            // A prefix without a colon ("RING", "RDY") must be the whole word.
            return prefix.EndsWith(':') || line.Length == prefix.Length || !char.IsAsciiLetterOrDigit(line[prefix.Length]);
        }

        return false;
    }
}
