using ConformityLab.At;

namespace ConformityLab.At.Tests;

public class VendorCatalogueTests
{
    [Test]
    public void BuiltIn_GenericFirst_AndEveryPathIsReadOnly()
    {
        var catalogue = VendorCatalogue.LoadBuiltIn();
        Assert.That(catalogue.Vendors[0], Is.EqualTo("generic"));
        Assert.That(catalogue.Vendors, Does.Contain("mediatek").And.Contain("simcom").And.Contain("telit").And.Contain("quectel"));
        Assert.That(catalogue.Paths.Where(p => IdentifierWriteForms.IsWriteForm(p.Command, out _)), Is.Empty);
        Assert.That(catalogue.Paths.First(p => p.Field == IdentityField.Imei).Command, Is.EqualTo("AT+CGSN=1"));
    }

    [Test]
    public void RefusesAVendorFileWithAWriteForm()
    {
        const string json = """{ "vendor": "rogue", "paths": [ { "field": "imei", "command": "AT+EGMR=1,7,\"490154203237518\"", "parser": "imei" } ] }""";
        Assert.That(() => VendorCatalogue.Build([("rogue.json", json)]), Throws.TypeOf<InvalidDataException>().With.Message.Contains("write form"));
    }

    [Test]
    public void MalformedVendorFile_IsAClearError() =>
        Assert.That(() => VendorCatalogue.Build([("bad.json", "{ not json")]), Throws.TypeOf<InvalidDataException>().With.Message.StartsWith("bad.json"));
}
