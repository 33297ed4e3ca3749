using System.Text;
using ConformityLab.At;

namespace ConformityLab.At.Tests;

public class FramingTests
{
    private static (List<AtLine> Lines, int Overflows) Frame(params string[] chunks)
    {
        var framer = new AtLineFramer(maxLineLength: 64);
        var lines = new List<AtLine>();
        var overflows = 0;
        foreach (var chunk in chunks)
        {
            framer.Push(Encoding.Latin1.GetBytes(chunk), lines.Add, _ => overflows++);
        }

        return (lines, overflows);
    }

    [Test]
    public void CrLf_CrCrLf_AndBareCr_AllEndLines() =>
        Assert.That(Frame("AT\r\r\nA\r\n\r\nB\r\r\nC\rD\n").Lines.Select(l => l.Text), Is.EqualTo(new[] { "AT", "A", "B", "C", "D" }));

    [Test]
    public void ByteByByte_GivesTheSameLines()
    {
        var text = "\r\n+CGSN: \"490154203237518\"\r\n\r\nOK\r\n";
        var dribbled = Frame(text.Select(c => c.ToString()).ToArray()).Lines;
        Assert.That(dribbled, Is.EqualTo(Frame(text).Lines));
    }

    [Test]
    public void NoiseIsDroppedAndFlagged()
    {
        var (lines, _) = Frame("\u00ff\u00fe\r\nO\u0001K\r\n");
        Assert.That(lines, Has.Count.EqualTo(1));
        Assert.That(lines[0], Is.EqualTo(new AtLine("OK", true)));
    }

    [Test]
    public void OverlongLine_ReportedOnceThenDiscardedUpToTheTerminator()
    {
        var (lines, overflows) = Frame(new string('A', 200), new string('B', 200), "\r\nOK\r\n");
        Assert.That(overflows, Is.EqualTo(1));
        Assert.That(lines.Select(l => l.Text), Is.EqualTo(new[] { "OK" }));
    }

    [TestCase("OK", AtFinal.Ok)]
    [TestCase("ERROR", AtFinal.Error)]
    [TestCase("+CME ERROR: 10", AtFinal.CmeError)]
    [TestCase("+CME ERROR: SIM not inserted", AtFinal.CmeError)]
    [TestCase("+CMS ERROR: 500", AtFinal.CmsError)]
    [TestCase("NO CARRIER", AtFinal.NoCarrier)]
    [TestCase("BUSY", AtFinal.Busy)]
    [TestCase("NO ANSWER", AtFinal.NoAnswer)]
    [TestCase("NO DIALTONE", AtFinal.NoDialtone)]
    [TestCase("CONNECT 115200", AtFinal.Connect)]
    public void FinalResultCodes(string line, AtFinal expected)
    {
        Assert.That(AtResultCodes.TryParseFinal(line, out var final), Is.True);
        Assert.That(final, Is.EqualTo(expected));
    }

    [TestCase("OKAY")]
    [TestCase("490154203237518")]
    [TestCase("+CGSN: \"OK\"")]
    [TestCase("ERRORS")]
    public void NotFinal(string line) => Assert.That(AtResultCodes.TryParseFinal(line, out _), Is.False);

    [TestCase("+CREG: 1", "AT+CGSN", true)]
    [TestCase("+CREG: 0,1", "AT+CREG?", false, TestName = "a command's own answer is never unsolicited")]
    [TestCase("+CPIN: READY", "AT+CPIN?", false)]
    [TestCase("+CPIN: READY", "AT+CGMI", true)]
    [TestCase("RING", "AT+CGMI", true)]
    [TestCase("RINGTONE", "AT+CGMI", false)]
    [TestCase("+QIND: SMS DONE", "AT+CGSN", true)]
    [TestCase("490154203237518", "AT+CGSN", false)]
    public void Unsolicited(string line, string command, bool expected)
    {
        var prefixes = VendorCatalogue.LoadBuiltIn().UnsolicitedPrefixes;
        Assert.That(AtResultCodes.IsUnsolicited(line, command, prefixes), Is.EqualTo(expected));
    }

    [TestCase("AT+CGSN=1", "+CGSN")]
    [TestCase("AT#CGSN", "#CGSN")]
    [TestCase("AT^CIMEI?", "^CIMEI")]
    [TestCase("ATI", "")]
    [TestCase("at+cgmi", "+CGMI")]
    public void CommandPrefix(string command, string expected) => Assert.That(AtResultCodes.CommandPrefix(command), Is.EqualTo(expected));
}
