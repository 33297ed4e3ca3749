using System.Globalization;
using System.Text;

namespace ConformityLab.Simulators;

/// <summary>What a script step does.</summary>
public enum StepKind
{
    /// <summary>Send one framed line (information text, a final result or an unsolicited code).</summary>
    Line,

    /// <summary>Wait, in ms.</summary>
    Delay,

    /// <summary>Send N bytes of line noise (non-printable, deterministic).</summary>
    Noise,

    /// <summary>Send bytes exactly as written (C escapes \r \n \xNN allowed).</summary>
    Raw,

    /// <summary>Send N printable bytes with no line terminator.</summary>
    Flood,

    /// <summary>Stop answering this command (the script ends here).</summary>
    Silent,

    /// <summary>Close the port: the device vanishes.</summary>
    Hangup,
}

/// <summary>One parsed step of a reply script.</summary>
/// <param name="Kind">The step kind.</param>
/// <param name="Bytes">The bytes to send, for Line, Raw and Noise (framing added when sent).</param>
/// <param name="Count">Milliseconds for Delay, byte count for Noise and Flood.</param>
/// <param name="Text">The line text, for Line.</param>
public sealed record ScriptStep(StepKind Kind, byte[] Bytes, int Count, string Text)
{
    /// <summary>Parses <c>OK</c>, <c>@delay 200</c>, <c>@urc +CREG: 1</c>, <c>@noise 16</c>, <c>@raw \xff\r\n</c>, <c>@flood 1048576</c>, <c>@silent</c>, <c>@hangup</c>.</summary>
    /// <exception cref="InvalidDataException">An unknown directive or a bad number.</exception>
    public static ScriptStep Parse(string step, string source)
    {
        if (!step.StartsWith('@'))
        {
            return new ScriptStep(StepKind.Line, [], 0, step);
        }

        var space = step.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? step[1..] : step[1..space];
        var arg = space < 0 ? string.Empty : step[(space + 1)..];
        return name switch
        {
            "urc" or "line" => new ScriptStep(StepKind.Line, [], 0, arg),
            "delay" => new ScriptStep(StepKind.Delay, [], Number(arg, step, source), string.Empty),
            "noise" => new ScriptStep(StepKind.Noise, NoiseBytes(Number(arg, step, source)), 0, string.Empty),
            "flood" => new ScriptStep(StepKind.Flood, [], Number(arg, step, source), string.Empty),
            "raw" => new ScriptStep(StepKind.Raw, Unescape(arg, source), 0, string.Empty),
            "silent" => new ScriptStep(StepKind.Silent, [], 0, string.Empty),
            "hangup" => new ScriptStep(StepKind.Hangup, [], 0, string.Empty),
            _ => throw new InvalidDataException($"{source}: unknown script directive '@{name}' in '{step}'"),
        };
    }

    private static int Number(string arg, string step, string source) =>
        int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new InvalidDataException($"{source}: '{step}' needs a whole number");

    /// <summary>Deterministic noise: a fixed linear-congruential sequence mapped to bytes no AT line can hold.</summary>
    private static byte[] NoiseBytes(int count)
    {
        var bytes = new byte[count];
        uint state = 0x2545F491;
        for (var i = 0; i < count; i++)
        {
            state = (state * 1103515245) + 12345;
            var b = (byte)(state >> 16);
            // Keep CR and LF out, and keep the byte non-printable, so noise never forms a line of its own.
            bytes[i] = b is >= 0x20 and < 0x7f or (byte)'\r' or (byte)'\n' ? (byte)(b | 0x80) : b;
        }

        return bytes;
    }

    private static byte[] Unescape(string text, string source)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length)
            {
                bytes.AddRange(Encoding.Latin1.GetBytes(text[i].ToString()));
                continue;
            }

            var c = text[++i];
            switch (c)
            {
                case 'r': bytes.Add((byte)'\r'); break;
                case 'n': bytes.Add((byte)'\n'); break;
                case '\\': bytes.Add((byte)'\\'); break;
                case 'x' when i + 2 < text.Length && byte.TryParse(text.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b):
                    bytes.Add(b);
                    i += 2;
                    break;
                default: throw new InvalidDataException($"{source}: bad escape '\\{c}' in '@raw {text}'");
            }
        }

        return [.. bytes];
    }
}
