namespace ConformityLab.Adb.Parsers;

/// <summary>Parses the text of <c>host:devices</c> and <c>host:devices-l</c> (one device a line).</summary>
public static class DeviceListParser
{
    /// <summary>
    /// Each line is the serial, whitespace, the state (which may hold spaces, as
    /// <c>no permissions (...)</c> does), then optional <c>key:value</c> tokens.
    /// </summary>
    public static IReadOnlyList<AdbDevice> Parse(string text)
    {
        var devices = new List<AdbDevice>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith("List of devices", StringComparison.Ordinal) || line.StartsWith('*'))
            {
                continue;
            }

            var tokens = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            var state = new List<string>();
            for (var i = 1; i < tokens.Length; i++)
            {
                var colon = tokens[i].IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && state.Count > 0 && tokens[i][..colon].All(c => c is (>= 'a' and <= 'z') or '_'))
                {
                    properties[tokens[i][..colon]] = tokens[i][(colon + 1)..];
                }
                else
                {
                    state.Add(tokens[i]);
                }
            }

            devices.Add(new AdbDevice(tokens[0], state.Count == 0 ? "unknown" : string.Join(' ', state), properties));
        }

        return devices;
    }
}
