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
