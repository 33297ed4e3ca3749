using System.Text;
using ConformityLab.Reports.Pdf.Composition;
using NUnit.Framework;

namespace ConformityLab.Reports.Tests;

public sealed class TextWrapTests
{
    private static readonly TextStyle Body = new(9);
    private static readonly TextStyle Mono = new(7.5f, Mono: true);
    private Fonts _fonts = null!;

    [OneTimeSetUp]
    public void LoadFonts() => _fonts = Fonts.Load();

    [OneTimeTearDown]
    public void DisposeFonts() => _fonts.Dispose();

    [Test]
    public void AWidth_IsTheSumOfItsPieces_AsTheLinearWrapAssumes()
    {
        foreach (var (left, right) in new[] { ("IMEI 86170003123456", "3 read over AT+CGSN"), ("Modèle Ωμέγα", " Модель عربي \u001b[31m"), ("\U0001F4F1 phone", "\u0378") })
        {
            Assert.That(_fonts.Measure(left + right, Body), Is.EqualTo(_fonts.Measure(left, Body) + _fonts.Measure(right, Body)).Within(0.01f), left + right);
        }
    }

    [Test]
    public void Paragraphs_WrapAtSpaces_IntoLinesThatFit_AsFullAsTheyCanBe_LosingNothing()
    {
        var words = Enumerable.Range(0, 400).Select(i => i % 7 == 0 ? $"AT+CGSN={i}" : $"word{i}").ToList();
        var lines = Text.Wrap(_fonts, string.Join(' ', words), Body, 180);
        Assert.That(lines, Has.Count.GreaterThan(20));
        Assert.That(lines.Where(l => _fonts.Measure(l, Body) > 180), Is.Empty, "lines wider than the width");
        Assert.That(string.Join(' ', lines).Split(' '), Is.EqualTo(words), "every word, in order");
        for (var i = 0; i + 1 < lines.Count; i++)
        {
            Assert.That(_fonts.Measure(lines[i] + " " + lines[i + 1].Split(' ')[0], Body), Is.GreaterThan(180), "the next word would not have fitted: " + lines[i]);
        }

        Assert.That(Text.Wrap(_fonts, "first line\nsecond line", Body, 180), Is.EqualTo(new[] { "first line", "second line" }));
    }

    [Test]
    public void AWordWiderThanTheLine_IsBrokenWhereItMust_NeverInsideACharacter()
    {
        // A hostile device's 60,000-character reply, with characters outside the BMP (two UTF-16 units each).
        var word = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            word.Append(i % 3 == 0 ? "\U0001F4F1" : "A5");
        }

        var lines = Text.Wrap(_fonts, word.ToString(), Mono, 120);
        Assert.That(string.Concat(lines), Is.EqualTo(word.ToString()));
        Assert.That(lines, Has.Count.GreaterThan(100));
        Assert.That(lines.Where(l => l.Length == 0 || char.IsHighSurrogate(l[^1]) || char.IsLowSurrogate(l[0])), Is.Empty, "lines empty or cut inside a character");
        Assert.That(lines.Where(l => _fonts.Measure(l, Mono) > 120 && l.EnumerateRunes().Count() > 1), Is.Empty, "lines wider than the width");
    }
}
