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
    [TestCase("AT+CGSN", false)]
    [TestCase("AT+CGSN=1", false)]
    public void IsWriteForm(string command, bool expected) =>
        Assert.That(IdentifierWriteForms.IsWriteForm(command, out _), Is.EqualTo(expected));
}
