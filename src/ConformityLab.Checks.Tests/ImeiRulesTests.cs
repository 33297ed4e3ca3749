using ConformityLab.Checks;

namespace ConformityLab.Checks.Tests;

public class ImeiRulesTests
{
    [TestCase("490154203237518", true, TestName = "format: the TS 23.003 example")]
    [TestCase("49015420323751", false, TestName = "format: 14 digits (network form, no check digit)")]
    [TestCase("4901542032375180", false, TestName = "format: 16 digits")]
    [TestCase("49015420323751A", false, TestName = "format: a letter")]
    [TestCase("", false, TestName = "format: empty")]
    public void Format(string imei, bool ok) => Assert.That(ImeiRules.Format(imei).Ok, Is.EqualTo(ok));

    [TestCase("49015420323751", 8)]
    [TestCase("35693600156884", 4)]
    [TestCase("00000000000000", 0)]
    [TestCase("12345678901234", 7)]
    [TestCase("86170003123456", 3)]
    public void LuhnCheckDigit(string first14, int expected) => Assert.That(ImeiRules.LuhnCheckDigit(first14), Is.EqualTo(expected));

    [TestCase("490154203237518", true)]
    [TestCase("490154203237519", false)]
    [TestCase("356936001568843", false, TestName = "luhn: the ModemManager test IMEI has a wrong check digit")]
    [TestCase("123456789012345", false)]
    [TestCase("000000000000000", true, TestName = "luhn: all zeros passes Luhn (placeholder catches it)")]
    [TestCase("4901542032375", false, TestName = "luhn: too short to check")]
    public void Luhn(string imei, bool ok) => Assert.That(ImeiRules.Luhn(imei).Ok, Is.EqualTo(ok));

    [Test]
    public void LuhnCheckDigit_RejectsWrongLength() =>
        Assert.That(() => ImeiRules.LuhnCheckDigit("123"), Throws.ArgumentException);

    [TestCase("000000000000000", false)]
    [TestCase("111111111111111", false)]
    [TestCase("123456789012345", false)]
    [TestCase("123456789012347", false)]
    [TestCase("001100110011002", false)]
    [TestCase("004999010640000", false)]
    [TestCase("121212121212121", false, TestName = "placeholder: 2-digit period")]
    [TestCase("012345678901237", false)]
    [TestCase("490154203237518", true)]
    [TestCase("861700031234563", true)]
    [TestCase("352404610301259", true)]
    public void Placeholder(string imei, bool ok) => Assert.That(ImeiRules.Placeholder(imei).Ok, Is.EqualTo(ok));

    [TestCase("001001000000007", false, TestName = "test-tac: 00 1001")]
    [TestCase("001017990000000", false, TestName = "test-tac: 00 1017")]
    [TestCase("001018000000000", true, TestName = "test-tac: 00 1018 is not a test TAC")]
    [TestCase("004400000000000", false, TestName = "test-tac: 00 44")]
    [TestCase("008612345678901", false, TestName = "test-tac: 00 86")]
    [TestCase("009112345678901", false, TestName = "test-tac: 00 91")]
    [TestCase("010012345678901", true, TestName = "test-tac: reporting body 01")]
    [TestCase("490154203237518", true)]
    [TestCase("4901", false, TestName = "test-tac: no TAC")]
    public void TestTac(string imei, bool ok) => Assert.That(ImeiRules.TestTac(imei).Ok, Is.EqualTo(ok));

    [TestCase("4901542032375101", true)]
    [TestCase("4901542032375199", false, TestName = "svn: 99 is reserved")]
    [TestCase("490154203237510", false, TestName = "svn: 15 digits")]
    [TestCase("49015420323751AB", false)]
    public void Svn(string imeisv, bool ok) => Assert.That(ImeiRules.Svn(imeisv).Ok, Is.EqualTo(ok));

    [Test]
    public void Reasons_NameTheValue()
    {
        var (_, reason) = ImeiRules.Luhn("490154203237519");
        Assert.That(reason, Does.Contain("9").And.Contain("8"));
    }
}
