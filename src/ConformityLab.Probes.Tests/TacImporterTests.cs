using ConformityLab.Probes.Tac;

namespace ConformityLab.Probes.Tests;

public class TacImporterTests
{
    private const string Header = "TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields";

    [TestCase("35863014|Google Inc|Pixel 8|GSM 900,LTE FDD BAND 1|04-Oct-2023|Smartphone|", null, TestName = "a full row")]
    [TestCase("35863014|||||| ", null, TestName = "only the TAC: every other column is optional")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone|{\"brand_name\":\"Google\"}", null, TestName = "JSON optional fields")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|29-Feb-2020|Smartphone|brand_name=Google;nfc=Y", null, TestName = "key=value optional fields, leap day")]
    [TestCase("3586301|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone|", "not 8 decimal digits", TestName = "a 7-digit TAC")]
    [TestCase("3586301A|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone|", "not 8 decimal digits", TestName = "a TAC with a letter")]
    [TestCase("00000000|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone|", "not a positive integer", TestName = "TAC zero")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|2020-01-01|Smartphone|", "not dd-Mon-yyyy", TestName = "an ISO date")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|01-Jan-20|Smartphone|", "not dd-Mon-yyyy", TestName = "a two-digit year")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|30-Feb-2020|Smartphone|", "not dd-Mon-yyyy", TestName = "a day that does not exist")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone", "6 columns, expected 7", TestName = "a missing column")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone||", "8 columns, expected 7", TestName = "an extra column")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone|{\"brand_name\":", "not valid JSON", TestName = "broken JSON optional fields")]
    [TestCase("35863014|Google Inc|Pixel 8|GSM 900|01-Jan-2020|Smartphone|brand_name", "not key=value", TestName = "a bare optional field")]
    public void Row(string row, string? error)
    {
        var ok = TacImporter.TryParseRow(row, 7, out var record, out var message);
        if (error is null)
        {
            Assert.That(ok, Is.True, message);
            Assert.That(record.Tac, Is.EqualTo("35863014"));
            Assert.That(record.Line, Is.EqualTo(7));
        }
        else
        {
            Assert.That(ok, Is.False);
            Assert.That(message, Does.Contain(error));
        }
    }

    [Test]
    public void FullRow_FieldsAndUnits()
    {
        Assert.That(TacImporter.TryParseRow("35863014| Google Inc |Pixel 8|GSM 900, LTE FDD BAND 1 ,NR BAND n78|01-Jan-2020|Smartphone|{\"brand_name\":\"Google\",\"sim_slots\":2}", 3, out var r, out var e), Is.True, e);
        Assert.That(r.Manufacturer, Is.EqualTo("Google Inc"));
        Assert.That(r.Bands, Is.EqualTo(new[] { "GSM 900", "LTE FDD BAND 1", "NR BAND n78" }));
        Assert.That(r.AllocationDate, Is.EqualTo(new DateOnly(2020, 1, 1)));
        Assert.That(r.OptionalFields["brand_name"], Is.EqualTo("Google"));
        Assert.That(r.OptionalFields["sim_slots"], Is.EqualTo("2"));
    }

    [Test]
    public void BadRows_AreReportedWithLineNumbers_AndNeverLoseTheGoodOnes()
    {
        var text = string.Join("\r\n",
            Header,
            "35863014|Google Inc|Pixel 8|GSM 900|04-Oct-2023|Smartphone|",
            "3586301|short TAC|x||||",
            "",
            "86170003|Quectel|EC25-E|LTE FDD BAND 1|14-Mar-2017|Module|",
            "86245903|SIMCom|SIM7600E-H||Nov-2018|Module|",
            "35240461|Nordic Semiconductor ASA|nRF9160||01-Jan-2020|Module|");
        var db = TacImporter.Parse(text, "lot.txt");
        Assert.That(db.Records.Select(r => r.Tac), Is.EquivalentTo(new[] { "35863014", "86170003", "35240461" }));
        Assert.That(db.Errors.Select(e => e.Line), Is.EqualTo(new[] { 3, 6 }));
        Assert.That(db.Errors[1].ToString(), Does.StartWith("line 6: ").And.Contain("Nov-2018"));
        Assert.That(db.TryFind("861700031234563", out var quectel), Is.True);
        Assert.That(quectel.Line, Is.EqualTo(5));
    }

    [Test]
    public void HeaderIsOptional_AndCaseInsensitive()
    {
        Assert.That(TacImporter.Parse("tac|manufacturer|model_name|bands|allocation_date|device_type|optional_fields\n35863014|Google||||\n", "x").Errors, Has.Count.EqualTo(1));
        var db = TacImporter.Parse("\uFEFF35863014|Google|Pixel 8||||\n", "x");
        Assert.That(db.Count, Is.EqualTo(1));
        Assert.That(db.Errors, Is.Empty);
    }

    [Test]
    public async Task FixtureSample_ImportsCleanly_AndCoversTheSimulatedDevices()
    {
        var db = await TacDatabase.LoadAsync(Path.Combine(AppContext.BaseDirectory, "fixtures", "tac", "gsma-sample.txt"), CancellationToken.None);
        Assert.That(db.Errors, Is.Empty);
        foreach (var imei in new[] { "861700031234563", "862459034021183", "352404610301259", "359072061135725", "123456789012345", "358630142183500", "867325039147288", "354497226103877", "861589047315627", "355976110452903", "353620117726149" })
        {
            Assert.That(db.TryFind(imei, out _), Is.True, imei);
        }

        Assert.That(db.TryFind("000000000000000", out _), Is.False);
    }
}
