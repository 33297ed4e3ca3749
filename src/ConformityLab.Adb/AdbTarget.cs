namespace ConformityLab.Adb;

/// <summary>
/// An ADB target as the operator writes it: <c>adb:&lt;serial&gt;</c>, optionally with the server
/// to use, <c>adb:&lt;serial&gt;?server=host:port</c>.
/// </summary>
/// <param name="Serial">The device's serial as the adb server names it.</param>
/// <param name="Server">The server given in the target, or null to resolve it from the environment.</param>
public sealed record AdbTarget(string Serial, AdbServerAddress? Server)
{
    /// <summary>The URI scheme of ADB targets.</summary>
    public const string Scheme = "adb:";

    /// <summary>Parses a target; false when it is not an <c>adb:</c> target or is malformed.</summary>
    public static bool TryParse(string text, out AdbTarget target)
    {
        target = null!;
        if (!text.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var rest = text[Scheme.Length..];
        AdbServerAddress? server = null;
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            foreach (var pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0 || !pair[..eq].Equals("server", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                try
                {
                    server = AdbServerAddress.Parse(Uri.UnescapeDataString(pair[(eq + 1)..]));
                }
                catch (ArgumentException)
                {
                    return false;
                }
            }

            rest = rest[..query];
        }

        if (rest.Length == 0)
        {
            return false;
        }

        target = new AdbTarget(rest, server);
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Scheme + Serial + (Server is null ? string.Empty : "?server=" + Server);
}
