namespace ConformityLab.At;

/// <summary>The answer to one AT command: its information lines and final result code.</summary>
/// <param name="Command">The command as sent, without the terminating CR.</param>
/// <param name="Lines">Information text lines, echo and unsolicited codes removed, in order.</param>
/// <param name="Final">The final result code.</param>
/// <param name="FinalText">The final result line as received (<c>+CME ERROR: 10</c>).</param>
/// <param name="Elapsed">From the write of the command to the final result code.</param>
public sealed record AtResponse(string Command, IReadOnlyList<AtLine> Lines, AtFinal Final, string FinalText, TimeSpan Elapsed)
{
    /// <summary>Whether the final result code is OK.</summary>
    public bool IsOk => Final == AtFinal.Ok;

    /// <summary>The reply as recorded evidence: information lines then the final result code, one per line.</summary>
    public string RawReply => string.Join('\n', Lines.Select(l => l.ToString()).Append(FinalText));
}

/// <summary>How an <see cref="AtChannel"/> behaves.</summary>
public sealed record AtChannelOptions
{
    /// <summary>The device's name in error messages (the target as the operator gave it).</summary>
    public string DeviceName { get; init; } = "device";

    /// <summary>Timeout of a command that names none. ModemManager uses 3 s for identity commands.</summary>
    public TimeSpan DefaultTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long the line must stay silent to count as settled.</summary>
    public TimeSpan QuietPeriod { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The longest each step of a resynchronisation waits.</summary>
    public TimeSpan RecoveryTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A line longer than this, in bytes, with no terminator, is a protocol error.</summary>
    public int MaxLineLength { get; init; } = 16 * 1024;

    /// <summary>Prefixes of unsolicited result codes, kept aside from answers.</summary>
    public IReadOnlyList<string> UnsolicitedPrefixes { get; init; } = AtResultCodes.DefaultUnsolicited;

    /// <summary>Whether identifier write forms may be sent. Off unless the operator opted into intrusive probes.</summary>
    public bool AllowIntrusive { get; init; }
}
