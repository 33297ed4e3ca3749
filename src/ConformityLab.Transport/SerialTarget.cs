using System.Globalization;
using System.IO.Ports;

namespace ConformityLab.Transport;

/// <summary>
/// A serial target: <c>serial:&lt;device path&gt;[?baud=115200&amp;databits=8&amp;parity=none&amp;stopbits=1]</c>.
/// A bare absolute path is accepted as shorthand for <c>serial:&lt;path&gt;</c> with the defaults.
/// </summary>
/// <param name="Path">The device path, such as <c>/dev/ttyUSB2</c>.</param>
/// <param name="BaudRate">Bits per second; 115200 by default (the common USB modem rate).</param>
/// <param name="DataBits">5 to 8; 8 by default.</param>
/// <param name="Parity">None by default.</param>
/// <param name="StopBits">One by default.</param>
public sealed record SerialTarget(string Path, int BaudRate = 115200, int DataBits = 8, Parity Parity = Parity.None, StopBits StopBits = StopBits.One)
{
    /// <summary>The canonical text form of the target.</summary>
    public override string ToString() =>
        $"serial:{Path}?baud={BaudRate}&databits={DataBits}&parity={Parity.ToString().ToLowerInvariant()}&stopbits={StopBitsText(StopBits)}";

    /// <summary>Parses a target, or says in one line what is wrong with it.</summary>
    public static bool TryParse(string text, out SerialTarget? target, out string? error)
    {
        target = null;
        error = null;
        string rest;
        if (text.StartsWith("serial:", StringComparison.Ordinal))
        {
            rest = text["serial:".Length..];
        }
        else if (text.StartsWith('/'))
        {
            rest = text;
        }
        else
        {
            error = $"'{text}' is not a serial target; expected serial:<device path>[?baud=115200&databits=8&parity=none&stopbits=1]";
            return false;
        }

        var query = string.Empty;
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }

        if (rest.Length == 0)
        {
            error = $"'{text}' names no device path";
            return false;
        }

        var result = new SerialTarget(rest);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? string.Empty : pair[(eq + 1)..];
            switch (key.ToLowerInvariant())
            {
                case "baud" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var baud) && baud > 0:
                    result = result with { BaudRate = baud };
                    break;
                case "databits" when value is "5" or "6" or "7" or "8":
                    result = result with { DataBits = value[0] - '0' };
                    break;
                case "parity" when TryParity(value, out var parity):
                    result = result with { Parity = parity };
                    break;
                case "stopbits" when TryStopBits(value, out var stop):
                    result = result with { StopBits = stop };
                    break;
                case "baud" or "databits" or "parity" or "stopbits":
                    error = $"'{value}' is not a valid {key} in '{text}'";
                    return false;
                default:
                    error = $"unknown serial option '{key}' in '{text}'; known: baud, databits, parity, stopbits";
                    return false;
            }
        }

        target = result;
        return true;
    }

    private static bool TryParity(string value, out Parity parity)
    {
        parity = value.ToLowerInvariant() switch
        {
            "none" or "n" => Parity.None,
            "even" or "e" => Parity.Even,
            "odd" or "o" => Parity.Odd,
            "mark" or "m" => Parity.Mark,
            "space" or "s" => Parity.Space,
            _ => (Parity)(-1),
        };
        return (int)parity >= 0;
    }

    private static bool TryStopBits(string value, out StopBits stop)
    {
        stop = value switch
        {
            "1" => StopBits.One,
            "1.5" => StopBits.OnePointFive,
            "2" => StopBits.Two,
            _ => StopBits.None,
        };
        return stop != StopBits.None;
    }

    private static string StopBitsText(StopBits stop) => stop switch
    {
        StopBits.OnePointFive => "1.5",
        StopBits.Two => "2",
        _ => "1",
    };
}
