using System.Net;
using ConformityLab.Records;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ConformityLab.RefDb.Service.Tests;

/// <summary>The consumer page over HTTP, without a browser: what a page without JavaScript gets.</summary>
[TestFixture]
public sealed class PageTests : ServiceTests
{
    [TestCase(ServiceFixture.CertifiedImei, "Genuine and certified")]
    [TestCase(ServiceFixture.StolenImei, "Reported stolen")]
    [TestCase("861700031234564", "Not a valid IMEI")]
    [TestCase("353456789012348", "Unknown TAC")]
    public async Task Imei_GetsItsVerdictInPlainWords(string imei, string verdict)
    {
        var html = await Client.GetStringAsync($"/verify?imei={imei}");
        Assert.That(html, Does.Contain($"<h2 id=\"verdict\">{verdict}</h2>"));
        Assert.That(html, Does.Contain($"value=\"{imei}\""), "the form keeps what was typed");
    }

    [Test]
    public async Task QrLink_ShowsTheRecord_AndWhetherItsHashMatches()
    {
        var digest = RecordEnvelope.QrDigest(Fixture.Record);
        var good = await Client.GetStringAsync($"/verify?record={Fixture.Record.RecordId}&h={digest}");
        Assert.That(good, Does.Contain("Lab record: Conforms").And.Contain("The report&#x27;s code matches this record.").And.Contain("The lab&#x27;s signature is valid."));
        Assert.That(good, Does.Contain("/api/v1/log/inclusion?leaf="));
        Assert.That(good, Does.Contain("Quectel EC25").And.Contain("Lab A"));

        var altered = await Client.GetStringAsync($"/verify?record={Fixture.Record.RecordId}&h={new string('0', 64)}");
        Assert.That(altered, Does.Contain("does not match this record"));

        var unknown = await Client.GetAsync("/verify?record=forged-id&h=00");
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That(await unknown.Content.ReadAsStringAsync(), Does.Contain("No record with this id is held here"));
    }

    [Test]
    public async Task Language_FollowsTheReader()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/verify?imei={ServiceFixture.StolenImei}");
        request.Headers.AcceptLanguage.ParseAdd("fr-CH, fr;q=0.9, en;q=0.5");
        var french = await (await Client.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.That(french, Does.Contain("<html lang=\"fr\">").And.Contain("Déclaré volé".Replace("é", "&#xE9;", StringComparison.Ordinal)));
        Assert.That(await Client.GetStringAsync($"/verify?imei={ServiceFixture.StolenImei}&lang=en"), Does.Contain("Reported stolen"));
    }

    [Test]
    public async Task HostileInput_IsEncoded_AndOnlyThePagesOwnScriptRuns()
    {
        var response = await Client.GetAsync("/verify?imei=%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%3E");
        var html = await response.Content.ReadAsStringAsync();
        Assert.That(html, Does.Not.Contain("<script>alert(1)"));
        Assert.That(html, Does.Contain("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;"));
        Assert.That(response.Headers.GetValues("Content-Security-Policy").Single(), Does.Contain("script-src 'self'").And.Contain("default-src 'none'"));
        Assert.That((await Client.GetAsync("/verify/verify.js")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await Client.GetAsync("/verify/verify.css")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
