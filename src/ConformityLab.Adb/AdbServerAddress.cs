using System.Globalization;
using System.Net;

namespace ConformityLab.Adb;

/// <summary>
/// Where the adb server listens. adb's own conventions: <c>ADB_SERVER_SOCKET</c>
/// (<c>tcp:host:port</c> or <c>tcp:port</c>) wins, then <c>ANDROID_ADB_SERVER_PORT</c>, then
/// 127.0.0.1:5037.
/// </summary>
/// <param name="Host">Host name or address of the server.</param>
/// <param name="Port">TCP port of the server.</param>
public sealed record AdbServerAddress(string Host, int Port)
{
    /// <summary>adb's default server port.</summary>
    public const int DefaultPort = 5037;

    /// <summary>The default address, 127.0.0.1:5037.</summary>
    public static AdbServerAddress Default { get; } = new("127.0.0.1", DefaultPort);

    /// <summary>Whether the server is on this machine (so it may be started with <c>adb start-server</c>).</summary>
    public bool IsLocal => Host is "localhost" || (IPAddress.TryParse(Host, out var ip) && IPAddress.IsLoopback(ip));

    /// <summary>
    /// Resolves the address: <paramref name="explicitAddress"/> (<c>host:port</c>, <c>tcp:host:port</c>
    /// or a bare port) when given, else the environment as adb reads it.
    /// </summary>
    /// <param name="explicitAddress">An operator override such as <c>127.0.0.1:50370</c>, or null.</param>
    /// <param name="environment">Reads an environment variable; <see cref="Environment.GetEnvironmentVariable(string)"/> when null.</param>
    public static AdbServerAddress Resolve(string? explicitAddress = null, Func<string, string?>? environment = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitAddress))
        {
            return Parse(explicitAddress);
        }

        environment ??= Environment.GetEnvironmentVariable;
        var socket = environment("ADB_SERVER_SOCKET");
        if (!string.IsNullOrWhiteSpace(socket))
        {
            return Parse(socket);
        }

        var port = environment("ANDROID_ADB_SERVER_PORT");
        if (!string.IsNullOrWhiteSpace(port))
        {
            return Default with { Port = ParsePort(port, "ANDROID_ADB_SERVER_PORT") };
        }

        return Default;
    }

    /// <summary>Parses <c>tcp:host:port</c>, <c>tcp:port</c>, <c>host:port</c> or <c>port</c>.</summary>
    public static AdbServerAddress Parse(string text)
    {
        var value = text.Trim();
        if (value.StartsWith("tcp:", StringComparison.OrdinalIgnoreCase))
        {
            value = value[4..];
        }
        else if (value.Contains(':', StringComparison.Ordinal) && value.Split(':')[0] is "local" or "localabstract" or "localfilesystem" or "vsock")
        {
            throw new ArgumentException($"adb server socket '{text}' is not a TCP socket; only tcp:host:port is supported", nameof(text));
        }

        var colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return Default with { Port = ParsePort(value, text) };
        }

        var host = value[..colon].Trim('[', ']');
        return new AdbServerAddress(host.Length == 0 ? Default.Host : host, ParsePort(value[(colon + 1)..], text));
    }

    /// <inheritdoc />
    public override string ToString() => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    private static int ParsePort(string value, string source) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"'{value}' (from {source}) is not a TCP port", nameof(value));
}
