namespace ConformityLab.Checks.Tests;

public class IdentifierWriteFormsTests
{
    [TestCase("AT+EGMR=1,7,\"490154203237518\"", true)]
    [TestCase("at+egmr=1,10,\"490154203237518\"", true)]
    [TestCase("AT+EGMR = 1 ,7,\"4901\"", true)]
    [TestCase("AT+EGMR=0,7", false)]
    [TestCase("AT+EGMR=?", false)]
    [TestCase("AT+SIMEI=490154203237518", true)]
    [TestCase("AT+SIMEI?", false)]
    [TestCase("AT+SIMEI=?", false)]
    [TestCase("AT^CIMEI", true)]
    [TestCase("AT^CIMEI=490154203237518", true)]
    [TestCase("AT^CIMEI?", false)]
    [TestCase("AT^CIMEI=?", false)]
    [TestCase("AT+SPIMEI=490154203237518", true)]
    [TestCase("AT%IMEIWRITE=0,\"490154203237518\"", true)]
    [TestCase("AT%IMEIWRITE=?", false)]
    [TestCase("AT+CGMI;+EGMR=1,7,\"490154203237518\"", true, TestName = "write form hidden behind a concatenated command")]
    [TestCase("ATE0+SIMEI=490154203237518", true, TestName = "write form after a basic command, no separator")]
    [TestCase("AT+CGSN;+EGMR=1,7,\"490154203237518\"", true, TestName = "write form after an extended command")]
    [TestCase("ATE0V1;+CGSN;^CIMEI", true, TestName = "bare ^CIMEI third on the line")]
    [TestCase("at e0 ; + simei = 490154203237518", true, TestName = "lower case and spaced")]
    [TestCase("AT+CGSN+EGMR=1,7,\"4901\"", true, TestName = "extended commands run together without a semicolon")]
    [TestCase("AT&F0;%IMEIWRITE=0,\"4901\"", true)]
    [TestCase("AT+CGSN;+EGMR=0,7;+SIMEI?", false, TestName = "read forms only")]
    [TestCase("AT+CGDCONT=1,\"IP\",\"+SIMEI=1\"", false, TestName = "a write form inside a quoted string is data, not a command")]
    [TestCase("ATD*#06#;", false)]
    [TestCase("AT+CGSN", false)]
    [TestCase("AT+CGSN=1", false)]
    public void IsWriteForm(string command, bool expected) =>
        Assert.That(IdentifierWriteForms.IsWriteForm(command, out _), Is.EqualTo(expected));

    [TestCase("ATE0+SIMEI=1;+CGSN", new[] { "ATE0", "AT+SIMEI=1", "AT+CGSN" })]
    [TestCase("at i ; +cgmi", new[] { "ATi", "AT+cgmi" })]
    [TestCase("ATS0=1E1", new[] { "ATS0=1", "ATE1" })]
    [TestCase("AT+CGDCONT=1,\"IP\",\"a;b\";+CGSN", new[] { "AT+CGDCONT=1,\"IP\",\"a;b\"", "AT+CGSN" })]
    [TestCase("AT", new string[0])]
    public void V250_SplitsALineIntoItsCommands(string line, string[] commands) =>
        Assert.That(V250CommandLine.Split(line), Is.EqualTo(commands));
}

public class TerminalTextTests
{
    [TestCase("\u001b]0;pwned\u0007Evil", "\\x1b]0;pwned\\x07Evil")]
    [TestCase("\u001b[31mred\u001b[0m", "\\x1b[31mred\\x1b[0m")]
    [TestCase("a\0b\u009bc", "a\\x00b\\x9bc")]
    [TestCase("abc\u202edcba", "abc\\u{202e}dcba")]
    [TestCase("Pixel 8 Pro", "Pixel 8 Pro")]
    public void Printable_MakesControlAndFormatCharactersVisible(string text, string printable)
    {
        Assert.That(TerminalText.Printable(text), Is.EqualTo(printable));
        Assert.That(TerminalText.Printable(text).Any(c => char.IsControl(c)), Is.False);
    }

    [Test]
    public void Printable_ClipsLongText_AndSaysHowLong() =>
        Assert.That(TerminalText.Printable(new string('x', 6000)), Does.EndWith("(6000 characters)").And.Length.LessThan(400));
}

public class DeviceNamesTests
{
    [TestCase("../../x", "353456789012348", "x-2348")]
    [TestCase("EC25", "861700031234563", "EC25-4563")]
    [TestCase("Pixel 8", "358630142183500", "Pixel_8-3500")]
    [TestCase(".hidden", null, "hidden")]
    [TestCase("\u001b[2J<script>", "490154203237518", "2J_script-7518")]
    public void For_ModelAndImeiDigits_FileSafe(string model, string? imei, string name)
    {
        var identity = new DeviceIdentity("t", "at", null, model, null, imei is null ? [] : [imei], null, []);
        Assert.That(ConformityLab.Harness.DeviceNames.For(identity, "fallback"), Is.EqualTo(name));
    }

    [Test]
    public void For_NeverLongerThan64_NeverADotFirst()
    {
        var name = ConformityLab.Harness.DeviceNames.For(new DeviceIdentity("t", "at", null, "." + new string('m', 500), null, ["490154203237518"], null, []), "f");
        Assert.That(name, Has.Length.LessThanOrEqualTo(64));
        Assert.That(name, Does.Not.StartWith("."));
        Assert.That(name, Does.EndWith("-7518"));
    }

    [Test]
    public void ForTarget_NeverAnAddressAndPort() =>
        Assert.That(ConformityLab.Harness.DeviceNames.ForTarget(new ConformityLab.Harness.AdbDeviceTarget(new ConformityLab.Adb.AdbTarget("127.0.0.1:44909", new ConformityLab.Adb.AdbServerAddress("127.0.0.1", 5037)))), Is.EqualTo("adb-device"));
}
