using System.Text;
using ConformityLab.Records;

namespace ConformityLab.Records.Tests;

/// <summary>RFC 8785's own test data: its §3.2.2 example, its §3.2.3 sort example, and Appendix B's numbers.</summary>
public sealed class JcsTests
{
    [Test]
    public void Rfc8785_Section3_2_2_Example()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";
        Assert.That(Encoding.UTF8.GetString(Jcs.Canonicalize(input)), Is.EqualTo(expected));
    }

    [Test]
    public void Rfc8785_Section3_2_3_SortsByUtf16CodeUnits()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;
        var text = Encoding.UTF8.GetString(Jcs.Canonicalize(input));
        var order = new[] { "Carriage Return", "One", "Control", "Latin Small", "Euro Sign", "Emoji", "Hebrew" }.Select(v => text.IndexOf(v, StringComparison.Ordinal)).ToList();
        Assert.That(order, Is.Ordered);
        Assert.That(order, Has.None.EqualTo(-1));
    }

    // RFC 8785 Appendix B: IEEE 754 bit patterns and their canonical text.
    [TestCase(0x0000000000000000UL, "0")]
    [TestCase(0x8000000000000000UL, "0")]
    [TestCase(0x0000000000000001UL, "5e-324")]
    [TestCase(0x8000000000000001UL, "-5e-324")]
    [TestCase(0x7fefffffffffffffUL, "1.7976931348623157e+308")]
    [TestCase(0xffefffffffffffffUL, "-1.7976931348623157e+308")]
    [TestCase(0x4340000000000000UL, "9007199254740992")]
    [TestCase(0xc340000000000000UL, "-9007199254740992")]
    [TestCase(0x4430000000000000UL, "295147905179352830000")]
    [TestCase(0x44b52d02c7e14af5UL, "9.999999999999997e+22")]
    [TestCase(0x44b52d02c7e14af6UL, "1e+23")]
    [TestCase(0x44b52d02c7e14af7UL, "1.0000000000000001e+23")]
    [TestCase(0x444b1ae4d6e2ef4eUL, "999999999999999700000")]
    [TestCase(0x444b1ae4d6e2ef4fUL, "999999999999999900000")]
    [TestCase(0x444b1ae4d6e2ef50UL, "1e+21")]
    [TestCase(0x3eb0c6f7a0b5ed8cUL, "9.999999999999997e-7")]
    [TestCase(0x3eb0c6f7a0b5ed8dUL, "0.000001")]
    [TestCase(0x41b3de4355555553UL, "333333333.3333332")]
    [TestCase(0x41b3de4355555554UL, "333333333.33333325")]
    [TestCase(0x41b3de4355555555UL, "333333333.3333333")]
    [TestCase(0x41b3de4355555556UL, "333333333.3333334")]
    [TestCase(0x41b3de4355555557UL, "333333333.33333343")]
    [TestCase(0xbecbf647612f3696UL, "-0.0000033333333333333333")]
    [TestCase(0x43143ff3c1cb0959UL, "1424953923781206.2")]
    public void Rfc8785_AppendixB_Numbers(ulong bits, string expected) =>
        Assert.That(Jcs.Number(BitConverter.UInt64BitsToDouble(bits)), Is.EqualTo(expected));

    [Test]
    public void DuplicateMember_IsNotIJson() =>
        Assert.That(() => Jcs.Canonicalize("""{"a":1,"a":2}"""), Throws.InstanceOf<Exception>());

    [Test]
    public void LoneSurrogate_IsNotIJson() =>
        Assert.That(() => Jcs.Canonicalize("""{"a":"\ud800"}"""), Throws.InstanceOf<FormatException>().Or.InstanceOf<InvalidOperationException>());

    [Test]
    public void ControlCharacters_AreEscapedLowerCaseHex() =>
        Assert.That(Encoding.UTF8.GetString(Jcs.Canonicalize("\"\\u001f\\u0008\\u007f\"")), Is.EqualTo("\"\\u001f\\b\u007f\""));
}
