namespace ConformityLab.At;

/// <summary>A fault of the AT channel (never a finding about the device): the base of the channel's exceptions.</summary>
public class AtException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// No final result code came within the command's timeout. Names the device, the command and
/// the time waited (as Mobly's <c>AdbTimeoutError(cmd, timeout, serial)</c> does).
/// </summary>
public sealed class AtTimeoutException(string device, string command, TimeSpan timeout, IReadOnlyList<AtLine> partial, bool recovered)
    : AtException($"{device}: no final result code to {command} within {timeout.TotalSeconds:0.###} s" +
                  (partial.Count > 0 ? $" (got {partial.Count} line(s) first: '{partial[0].Text}')" : " (no reply at all)") +
                  (recovered ? "; the channel was resynchronised" : "; the channel could not be resynchronised and is now broken"))
{
    /// <summary>The command that timed out.</summary>
    public string Command { get; } = command;

    /// <summary>How long the lab waited.</summary>
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>Lines that came before the timeout.</summary>
    public IReadOnlyList<AtLine> Partial { get; } = partial;

    /// <summary>Whether the channel is usable again.</summary>
    public bool Recovered { get; } = recovered;
}

/// <summary>The channel lost step with the device and could not regain it; the port must be reopened.</summary>
public sealed class AtChannelBrokenException(string message) : AtException(message);

/// <summary>The device went away: the port closed, hung up or failed.</summary>
public sealed class AtDeviceGoneException(string message, Exception? inner = null) : AtException(message, inner);

/// <summary>The device broke the framing rules (a line too long to be a reply, for instance).</summary>
public sealed class AtProtocolException(string message) : AtException(message);

/// <summary>
/// The lab refused to send an identifier write form (such as <c>AT+EGMR=1,7,...</c>) because the
/// operator did not opt into intrusive probes.
/// </summary>
public sealed class IntrusiveCommandRefusedException(string command, string family)
    : InvalidOperationException($"refused to send '{command}': it is the {family} identifier write form, which can reprogram the device; intrusive probes were not allowed");
