using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ConformityLab.Records;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ConformityLab.RefDb.Service.Tests;

[TestFixture]
public sealed class ApiTests : ServiceTests
{
    private static async Task<JsonElement> JsonOf(HttpResponseMessage response) => JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    /// <summary>An RFC 9457 problem: its media type, its status member, and a detail that says something.</summary>
    private static async Task<string> ProblemOf(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.That(response.StatusCode, Is.EqualTo(status), await response.Content.ReadAsStringAsync());
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        var body = await JsonOf(response);
        Assert.That(body.GetProperty("status").GetInt32(), Is.EqualTo((int)status));
        return body.GetProperty("detail").GetString()!;
    }

    [Test]
    public async Task ImeiStatus_NamesEveryCondition_AndAStolenDevice()
    {
        var certified = await JsonOf(await Client.GetAsync($"/api/v1/imei/{ServiceFixture.CertifiedImei}"));
        Assert.That(certified.GetProperty("tac").GetProperty("model").GetString(), Is.EqualTo("EC25"));
        Assert.That(certified.GetProperty("certification").GetProperty("conformity").GetString(), Is.EqualTo("conforms"));
        Assert.That(certified.GetProperty("flags").EnumerateArray(), Is.Empty);

        var stolen = await JsonOf(await Client.GetAsync($"/api/v1/imei/{ServiceFixture.StolenImei}"));
        Assert.That(stolen.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("stolen"));
        Assert.That(stolen.GetProperty("stolen").GetProperty("country").GetString(), Is.EqualTo("CH"));
    }

    [TestCase("12ab")]
    [TestCase("1234567890123")]
    [TestCase("12345678901234567")]
    public async Task MalformedImei_Is400_WithAReason(string imei)
    {
        var detail = await ProblemOf(await Client.GetAsync($"/api/v1/imei/{imei}"), HttpStatusCode.BadRequest);
        Assert.That(detail, Does.Contain("is not an IMEI"));
    }

    [Test]
    public async Task Batch_AnswersInOrder_AndRefusesOversizedOrMalformedBodies()
    {
        var answer = await JsonOf(await Client.PostAsJsonAsync("/api/v1/imei/batch", new { imeis = new[] { ServiceFixture.StolenImei, "not-an-imei", ServiceFixture.CertifiedImei } }));
        Assert.That(answer.EnumerateArray().Select(a => a.GetProperty("imei").GetString()), Is.EqualTo(new[] { ServiceFixture.StolenImei, "not-an-imei", ServiceFixture.CertifiedImei }));
        Assert.That(answer[1].GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("malformed"));

        var tooMany = Enumerable.Range(0, ReferenceDatabase.MaxBatch + 1).Select(i => $"35863014{i:0000000}").ToArray();
        Assert.That(await ProblemOf(await Client.PostAsJsonAsync("/api/v1/imei/batch", new { imeis = tooMany }), HttpStatusCode.RequestEntityTooLarge), Does.Contain("at most 1000"));

        var huge = new StringContent("{\"imeis\": [\"" + new string('1', (int)RefDbServer.MaxBodyBytes + 10) + "\"]}", Encoding.UTF8, "application/json");
        Assert.That((await Client.PostAsync("/api/v1/imei/batch", huge)).StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));

        Assert.That(await ProblemOf(await Client.PostAsync("/api/v1/imei/batch", new StringContent("{\"imeis\": ", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest), Does.Contain("not {\"imeis\""));
        Assert.That(await ProblemOf(await Client.PostAsJsonAsync("/api/v1/imei/batch", new { imeis = Array.Empty<string>() }), HttpStatusCode.BadRequest), Does.Contain("at least one"));
    }

    [Test]
    public async Task TacAndModel_Answer_Or404_Or400()
    {
        Assert.That((await JsonOf(await Client.GetAsync("/api/v1/tac/86170003"))).GetProperty("manufacturer").GetString(), Is.EqualTo("Quectel Wireless Solutions"));
        Assert.That(await ProblemOf(await Client.GetAsync("/api/v1/tac/99999999"), HttpStatusCode.NotFound), Does.Contain("not in the GSMA TAC database"));
        Assert.That(await ProblemOf(await Client.GetAsync("/api/v1/tac/8617"), HttpStatusCode.BadRequest), Does.Contain("8 decimal digits"));

        var model = await JsonOf(await Client.GetAsync("/api/v1/models/86170003"));
        Assert.That(model.GetProperty("certificate_id").GetString(), Is.EqualTo(Fixture.Record.RecordId));
        Assert.That(await ProblemOf(await Client.GetAsync("/api/v1/models/35863014"), HttpStatusCode.NotFound), Does.Contain("no lab record certifies"));
    }

    [Test]
    public async Task Record_ComesWithItsVerification_AndAnUnknownOneIs404()
    {
        var answer = await JsonOf(await Client.GetAsync($"/api/v1/records/{Fixture.Record.RecordId}"));
        var verification = answer.GetProperty("verification");
        Assert.That(verification.GetProperty("signatureValid").GetBoolean(), Is.True);
        Assert.That(verification.GetProperty("qrDigest").GetString(), Is.EqualTo(RecordEnvelope.QrDigest(Fixture.Record)));
        Assert.That(answer.GetProperty("envelope").GetProperty("record").GetProperty("recordId").GetString(), Is.EqualTo(Fixture.Record.RecordId));
        var inclusion = verification.GetProperty("inclusion");
        Assert.That(inclusion.GetProperty("leafIndex").GetInt64(), Is.EqualTo(verification.GetProperty("leafIndex").GetInt64()));
        Assert.That(inclusion.GetProperty("path").GetArrayLength(), Is.GreaterThan(0));

        Assert.That(await ProblemOf(await Client.GetAsync("/api/v1/records/no-such-record"), HttpStatusCode.NotFound), Does.Contain("no record 'no-such-record'"));
    }

    [Test]
    public async Task Ingest_NeedsTheLabsToken_AndRefusesEachBadRecordWithItsStatus()
    {
        async Task<HttpResponseMessage> Post(string body, string? token)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/records") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            return await Client.SendAsync(request);
        }

        var (fresh, record) = ServiceFixture.Signed(Fixture.Key, conformity: "does not conform", imei: "490154203237518", manufacturer: "Acme", model: "X1");
        var none = await Post(fresh, null);
        Assert.That(await ProblemOf(none, HttpStatusCode.Unauthorized), Does.Contain("Authorization: Bearer"));
        Assert.That(none.Headers.WwwAuthenticate.ToString(), Is.EqualTo("Bearer"));
        Assert.That(await ProblemOf(await Post(fresh, "cl_not-a-token"), HttpStatusCode.Unauthorized), Does.Contain("no registered lab's"));
        Assert.That(await ProblemOf(await Post(fresh, Fixture.OtherToken), HttpStatusCode.Forbidden), Does.Contain("a lab submits only its own records"));
        Assert.That(await ProblemOf(await Post(fresh.Replace("\"does not conform\"", "\"conforms\"", StringComparison.Ordinal), Fixture.Token), HttpStatusCode.UnprocessableEntity), Does.Contain("forged or changed"));
        Assert.That(await ProblemOf(await Post(RecordEnvelope.Write(record, null), Fixture.Token), HttpStatusCode.UnprocessableEntity), Does.Contain("unsigned"));
        Assert.That(await ProblemOf(await Post(fresh[..(fresh.Length / 2)], Fixture.Token), HttpStatusCode.BadRequest), Does.Contain("malformed"));

        var created = await Post(fresh, Fixture.Token);
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        Assert.That(created.Headers.Location?.ToString(), Is.EqualTo($"/api/v1/records/{record.RecordId}"));
        var again = await Post(fresh, Fixture.Token);
        Assert.That(again.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await JsonOf(again)).GetProperty("stored").GetBoolean(), Is.False);

        var status = await JsonOf(await Client.GetAsync("/api/v1/imei/490154203237518"));
        Assert.That(status.GetProperty("flags").EnumerateArray().Select(f => f.GetString()), Does.Contain("counterfeit-or-tampered"));
    }

    [Test]
    public async Task LogEndpoints_GiveTheCliJson_AndACheckpointTheLogKeySigned()
    {
        var checkpoint = await Client.GetStringAsync("/api/v1/log/checkpoint");
        await using var db = await ReferenceDatabase.OpenAsync(Fixture.Database);
        var origin = await db.OriginAsync(CancellationToken.None);
        Assert.That(SignedNote.Verify(checkpoint, origin, await db.LogPublicKeyAsync(CancellationToken.None), out var text), Is.True);
        var size = long.Parse(text.Split('\n')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(await Client.GetStringAsync("/api/v1/log/checkpoint"), Is.EqualTo(checkpoint), "an unchanged log gets the same checkpoint");

        var proof = await JsonOf(await Client.GetAsync($"/api/v1/log/inclusion?leaf=1&size={size}"));
        var expected = await db.ProveAsync("1", size, CancellationToken.None);
        Assert.That(proof.GetProperty("rootHash").GetString(), Is.EqualTo(expected.RootHash));
        Assert.That(proof.GetProperty("path").EnumerateArray().Select(p => p.GetString()), Is.EqualTo(expected.Path));
        Assert.That(proof.GetProperty("rootHash").GetString(), Is.EqualTo(text.Split('\n')[2]), "the proof's root is the checkpoint's");

        var consistency = await JsonOf(await Client.GetAsync($"/api/v1/log/consistency?old=2&new={size}"));
        Assert.That(consistency.GetProperty("newRoot").GetString(), Is.EqualTo(expected.RootHash));

        Assert.That(await ProblemOf(await Client.GetAsync("/api/v1/log/inclusion"), HttpStatusCode.BadRequest), Does.Contain("?leaf="));
        Assert.That(await ProblemOf(await Client.GetAsync($"/api/v1/log/inclusion?leaf={size + 5}"), HttpStatusCode.BadRequest), Does.Contain("is not in a tree"));
        Assert.That(await ProblemOf(await Client.GetAsync("/api/v1/log/consistency?old=5&new=2"), HttpStatusCode.BadRequest), Does.Contain("sizes must satisfy"));
    }

    [Test]
    public async Task HealthAndOpenApi_AreServed()
    {
        var health = await JsonOf(await Client.GetAsync("/health"));
        Assert.That(health.GetProperty("status").GetString(), Is.EqualTo("healthy"));
        var openApi = await JsonOf(await Client.GetAsync("/openapi/v1.json"));
        var paths = openApi.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.That(paths, Is.SupersetOf(new[] { "/api/v1/imei/{imei}", "/api/v1/imei/batch", "/api/v1/tac/{tac}", "/api/v1/models/{tac}", "/api/v1/records/{id}", "/api/v1/records", "/api/v1/log/checkpoint", "/api/v1/log/inclusion", "/api/v1/log/consistency", "/health" }));
        var scalar = await Client.GetAsync("/scalar/");
        Assert.That(scalar.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await scalar.Content.ReadAsStringAsync(), Does.Contain("\"url\":\"openapi/v1.json\"").And.Contain("<script src=\"scalar.js\">"));
        Assert.That((await Client.GetAsync("/scalar/scalar.js")).StatusCode, Is.EqualTo(HttpStatusCode.OK), "the page's script is served here, not from a CDN");
    }

    [Test]
    public async Task RateLimit_Answers429_WithRetryAfter()
    {
        await using var limited = Fixture.Factory(("Service:RateLimit:PerSecond", "1"), ("Service:RateLimit:Burst", "2"));
        using var client = limited.CreateClient();
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await client.GetAsync($"/api/v1/imei/{ServiceFixture.CertifiedImei}");
            statuses.Add(response.StatusCode);
            refused ??= response.StatusCode == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.That(statuses.Take(2), Is.All.EqualTo(HttpStatusCode.OK));
        Assert.That(refused, Is.Not.Null, string.Join(", ", statuses));
        Assert.That(await ProblemOf(refused!, HttpStatusCode.TooManyRequests), Does.Contain("retry after"));
        Assert.That(refused!.Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThanOrEqualTo(1));
    }

    [Test]
    public async Task RequestLog_IsOneJsonLinePerRequest_WithTheRouteNotTheImei()
    {
        var output = new MemoryStream();
        var factory = Fixture.Factory().WithWebHostBuilder(b => b.ConfigureServices(s => s.AddSingleton(new RequestLog(output))));
        using (var client = factory.CreateClient())
        {
            await client.GetAsync($"/api/v1/imei/{ServiceFixture.StolenImei}");
            await client.GetAsync("/api/v1/imei/12ab");
        }

        await factory.DisposeAsync(); // stops the log, which writes what it holds
        var lines = Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(lines.Select(l => (l.GetProperty("route").GetString(), l.GetProperty("status").GetInt32())), Is.EqualTo(new[] { ("/api/v1/imei/{imei}", 200), ("/api/v1/imei/{imei}", 400) }));
        Assert.That(Encoding.UTF8.GetString(output.ToArray()), Does.Not.Contain(ServiceFixture.StolenImei));
        Assert.That(lines[0].GetProperty("ms").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public async Task NoPublicAnswer_CarriesTheDatabasesSecrets_OrAPhoneNumber()
    {
        // The secrets a careless answer could leak: the key of personal-data hashes and the log's private key.
        var secrets = new List<string>();
        await using (var sqlite = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Fixture.Database};Mode=ReadOnly;Pooling=False"))
        {
            await sqlite.OpenAsync();
            await using var command = sqlite.CreateCommand();
            command.CommandText = "SELECT value FROM meta WHERE key IN ('hmac_secret', 'log_key')";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                secrets.Add(reader.GetString(0));
            }
        }

        Assert.That(secrets, Has.Count.EqualTo(2));
        var pem = secrets.Single(v => v.Contains("PRIVATE KEY", StringComparison.Ordinal)).Split('\n').Where(l => l.Length > 40 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
        Assert.That(pem, Is.Not.Empty);
        var answers = new StringBuilder();
        foreach (var path in new[] { $"/api/v1/imei/{ServiceFixture.CertifiedImei}", $"/api/v1/imei/{ServiceFixture.StolenImei}", "/api/v1/tac/86170003", "/api/v1/models/86170003", $"/api/v1/records/{Fixture.Record.RecordId}", "/api/v1/log/checkpoint", "/api/v1/log/inclusion?leaf=0", "/api/v1/log/consistency?old=1&new=2", "/health", "/openapi/v1.json", $"/verify?imei={ServiceFixture.StolenImei}", $"/verify?record={Fixture.Record.RecordId}" })
        {
            answers.Append(await (await Client.GetAsync(path)).Content.ReadAsStringAsync());
        }

        answers.Append(await (await Client.PostAsJsonAsync("/api/v1/imei/batch", new { imeis = new[] { ServiceFixture.CertifiedImei, ServiceFixture.StolenImei } })).Content.ReadAsStringAsync());
        var text = answers.ToString();
        Assert.That(text, Does.Not.Contain(secrets.Single(v => !v.Contains("PRIVATE KEY", StringComparison.Ordinal))));
        Assert.That(pem.Where(line => text.Contains(line, StringComparison.Ordinal)), Is.Empty, "a line of the log's private key");
        Assert.That(System.Text.RegularExpressions.Regex.IsMatch(text, @"\+\d{8,15}\b"), Is.False, "an MSISDN-like number (E.164)");
    }
}
