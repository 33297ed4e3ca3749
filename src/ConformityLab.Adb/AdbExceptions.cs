namespace ConformityLab.Adb;

/// <summary>A fault of the ADB channel (never a finding about the device): the base of the client's exceptions.</summary>
public class AdbException(string message, Exception? inner = null) : IOException(message, inner);

/// <summary>
/// The adb server answered <c>FAIL</c> (protocol.txt: <c>FAIL</c>, a hex4 length, then the
/// message), or a sync transfer answered <c>FAIL</c>.
/// </summary>
public sealed class AdbFailException(string? serial, string service, string serverMessage)
    : AdbException($"{Where(serial)}adb server refused '{service}': {serverMessage}")
{
    /// <summary>The device the request was for, or null for host services.</summary>
    public string? Serial { get; } = serial;

    /// <summary>The service that was refused.</summary>
    public string Service { get; } = service;

    /// <summary>The message the server gave.</summary>
    public string ServerMessage { get; } = serverMessage;

    internal static string Where(string? serial) => serial is null ? string.Empty : $"{serial}: ";
}

/// <summary>
/// No complete answer came within the call's timeout. Names the device, the service and the time
/// waited (as Mobly's <c>AdbTimeoutError(cmd, timeout, serial)</c> does). The connection it
/// happened on is closed: a half-read reply is never read into the next request.
/// </summary>
public sealed class AdbTimeoutException(string? serial, string service, TimeSpan timeout)
    : AdbException($"{AdbFailException.Where(serial)}no complete answer to '{service}' within {timeout.TotalSeconds:0.###} s")
{
    /// <summary>The device the request was for, or null for host services.</summary>
    public string? Serial { get; } = serial;

    /// <summary>The service that timed out.</summary>
    public string Service { get; } = service;

    /// <summary>How long the client waited.</summary>
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The server broke the framing rules: a truncated frame, a bad length, an unknown status.</summary>
public sealed class AdbProtocolException(string message) : AdbException(message);

/// <summary>The adb server went away in the middle of an exchange (connection reset or closed early).</summary>
public sealed class AdbServerGoneException(string message, Exception? inner = null) : AdbException(message, inner);

/// <summary>No adb server answers at the address, and none could be started.</summary>
public sealed class AdbServerUnavailableException(string message, Exception? inner = null) : AdbException(message, inner);
