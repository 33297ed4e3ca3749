using System.Text;

namespace ConformityLab.At;

/// <summary>
/// Splits the byte stream from a modem into lines. V.250 §5.7.1 frames information text as
/// &lt;CR&gt;&lt;LF&gt;text&lt;CR&gt;&lt;LF&gt;; real firmware also sends text&lt;CR&gt;&lt;CR&gt;&lt;LF&gt;,
/// bare CR (echo) and bare LF, so any run of CR and LF ends a line and empty lines are dropped.
/// Bytes outside printable ASCII are dropped from the text and mark the line noisy. A line
/// that grows past the limit without a terminator is reported once as an overflow and then
/// discarded up to the next terminator, so a flood can never exhaust memory.
/// </summary>
public sealed class AtLineFramer
{
    private readonly StringBuilder _line = new();
    private readonly int _maxLineLength;
    private int _lineBytes;
    private bool _noisy;
    private bool _overflowed;

    /// <summary>Creates a framer that reports lines longer than <paramref name="maxLineLength"/> bytes as overflow.</summary>
    public AtLineFramer(int maxLineLength = 16 * 1024) => _maxLineLength = maxLineLength;

    /// <summary>Bytes seen so far in the line not yet terminated.</summary>
    public int PendingBytes => _lineBytes;

    /// <summary>Feeds bytes; calls <paramref name="onLine"/> per complete line and <paramref name="onOverflow"/> once per overlong line.</summary>
    public void Push(ReadOnlySpan<byte> data, Action<AtLine> onLine, Action<int> onOverflow)
    {
        foreach (var b in data)
        {
            if (b is (byte)'\r' or (byte)'\n')
            {
                EndLine(onLine);
                continue;
            }

            if (_overflowed)
            {
                continue;
            }

            _lineBytes++;
            if (_lineBytes > _maxLineLength)
            {
                _overflowed = true;
                _line.Clear();
                onOverflow(_maxLineLength);
                continue;
            }

            if (b is >= 0x20 and < 0x7f)
            {
                _line.Append((char)b);
            }
            else if (b != (byte)'\t')
            {
                _noisy = true;
            }
        }
    }

    private void EndLine(Action<AtLine> onLine)
    {
        if (!_overflowed)
        {
            var text = _line.ToString().Trim();
            if (text.Length > 0)
            {
                onLine(new AtLine(text, _noisy));
            }
        }

        _line.Clear();
        _lineBytes = 0;
        _noisy = false;
        _overflowed = false;
    }
}
