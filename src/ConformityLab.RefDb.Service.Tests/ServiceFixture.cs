using ConformityLab.Records;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ConformityLab.RefDb.Service.Tests;

/// <summary>
/// A reference database on a temporary SQLite file, as a lab and a regulator would fill it: a
/// registered lab with an API token, the GSMA TAC sample, a stolen list and a signed record of
/// a conforming device. The service runs over it through <see cref="WebApplicationFactory{T}"/>.
/// </summary>
/// <param name="Directory">Its temporary folder.</param>
/// <param name="Database">The SQLite file.</param>
/// <param name="Key">Lab A's signing key.</param>
/// <param name="OtherKey">Lab B's signing key.</param>
/// <param name="Token">Lab A's API token.</param>
/// <param name="OtherToken">Lab B's API token.</param>
/// <param name="Record">The ingested record.</param>
/// <param name="RecordText">Its signed envelope.</param>
public sealed record ServiceFixture(string Directory, string Database, LabSigningKey Key, LabSigningKey OtherKey, string Token, string OtherToken, CertificationRecord Record, string RecordText) : IAsyncDisposable
{
    /// <summary>The device of the good record (Quectel EC25, TAC 86170003), on the TAC sample.</summary>
    public const string CertifiedImei = "861700031234563";

    /// <summary>On the stolen list.</summary>
    public const string StolenImei = "358630142183518";

    public static async Task<ServiceFixture> CreateAsync()
    {
        var directory = System.IO.Directory.CreateTempSubdirectory("cl-service-").FullName;
        var path = Path.Combine(directory, "refdb.sqlite");
        var key = LabSigningKey.Create();
        var other = LabSigningKey.Create();
        await using var db = await ReferenceDatabase.OpenAsync(path);
        await db.InitAsync(CancellationToken.None);
        await db.AddLabAsync("Lab A", key.Public, "SAS 1", new DateOnly(2026, 1, 1), null, CancellationToken.None);
        await db.AddLabAsync("Lab B", other.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        var tac = Path.Combine(directory, "tac.txt");
        await File.WriteAllTextAsync(tac, "TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields\n86170003|Quectel Wireless Solutions|EC25|LTE FDD BAND 1|14-Mar-2017|Module|{}\n35863014|Google Inc|Pixel 8|LTE FDD BAND 1|04-Oct-2023|Smartphone|{}\n");
        await db.ImportAsync(ListParsers.Read(ListKind.Tac, tac, null, CancellationToken.None), new ImportPolicy(), null, CancellationToken.None);
        var stolen = Path.Combine(directory, "stolen.csv");
        await File.WriteAllTextAsync(stolen, $"imei,reporting_date,status,reporting_country\n{StolenImei},20261101,stolen,CH\n");
        await db.ImportAsync(ListParsers.Read(ListKind.Stolen, stolen, null, CancellationToken.None), new ImportPolicy(), null, CancellationToken.None);
        var (text, record) = Signed(key);
        await db.IngestAsync(text, CancellationToken.None);
        var token = await db.CreateLabTokenAsync("Lab A", CancellationToken.None);
        var otherToken = await db.CreateLabTokenAsync("Lab B", CancellationToken.None);
        return new ServiceFixture(directory, path, key, other, token, otherToken, record, text);
    }

    /// <summary>A signed record of the EC25 by <paramref name="key"/>.</summary>
    public static (string Text, CertificationRecord Record) Signed(LabSigningKey key, string conformity = "conforms", string imei = CertifiedImei, string manufacturer = "Quectel", string model = "EC25")
    {
        var record = new CertificationRecord(
            CertificationRecord.SchemaId, Guid.CreateVersion7().ToString(), "R-1-EC25-4563", "issued", null, null,
            new RecordDevice([imei], null, manufacturer, model, "EC25EFAR06A06M4G", imei[..8]),
            [new RecordCase("IDN-001", "normative", conformity == "conforms" ? "pass" : "fail", new string('a', 64))], "normative-cases-simple-acceptance", conformity,
            new RecordLab("Lab A", null, key.Public.KeyId), new RecordRun("run-1", "certification", "ConformityLab 0.1.0"), "2026-11-21T10:00:00Z", new string('b', 64), new string('c', 64));
        return (RecordEnvelope.Write(record, key), record);
    }

    /// <summary>The service over this database, with the given settings on top.</summary>
    public WebApplicationFactory<Program> Factory(params (string Key, string Value)[] settings) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Database:Connection", Database);
            b.UseSetting("Service:RateLimit:PerSecond", "0");
            foreach (var (k, v) in settings)
            {
                b.UseSetting(k, v);
            }
        });

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        System.IO.Directory.Delete(Directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
