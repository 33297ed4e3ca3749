namespace ConformityLab.Checks.Tests;

public class VerdictTests
{
    [TestCase(Verdict.None, Verdict.Pass, Verdict.Pass)]
    [TestCase(Verdict.Pass, Verdict.Inconc, Verdict.Inconc)]
    [TestCase(Verdict.Fail, Verdict.Pass, Verdict.Fail)]
    [TestCase(Verdict.Inconc, Verdict.Fail, Verdict.Fail)]
    [TestCase(Verdict.Error, Verdict.Fail, Verdict.Error)]
    public void OnlyGetsWorse(Verdict a, Verdict b, Verdict expected)
    {
        Assert.That(Verdicts.Worst(a, b), Is.EqualTo(expected));
        Assert.That(Verdicts.Worst(b, a), Is.EqualTo(expected));
    }

    [Test]
    public void Keywords_AreTtcn3() =>
        Assert.That(Enum.GetValues<Verdict>().Select(v => v.ToKeyword()), Is.EqualTo(new[] { "none", "pass", "inconc", "fail", "error" }));
}
