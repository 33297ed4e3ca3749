using ConformityLab.Records;
using ConformityLab.RefDb.Log;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace ConformityLab.RefDb.Tests;

/// <summary>The storage contract, run against both engines: the real SQLite file and a real PostgreSQL server.</summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class ContractTests(Engine engine)
{
    private static readonly DateOnly Day = new(2026, 11, 20);
    private string _connection = null!;
    private string _dir = null!;
    private ReferenceDatabase _db = null!;

    [SetUp]
    public async Task OpenAsync()
    {
        _dir = Directory.CreateTempSubdirectory("cl-refdb-").FullName;
        _connection = engine == Engine.Sqlite ? Path.Combine(_dir, "ref.sqlite") : await Postgres.NewDatabaseAsync();
        _db = await ReferenceDatabase.OpenAsync(_connection);
        Assert.That(await _db.InitAsync(CancellationToken.None), Is.True);
        Assert.That(_db.Engine, Is.EqualTo(engine));
    }

    [TearDown]
    public async Task CloseAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string File(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    private Task<ImportResult> ImportAsync(ListKind kind, string text, ImportPolicy? policy = null) =>
        _db.ImportAsync(ListParsers.Read(kind, File(kind.Name + ".csv", text), null, CancellationToken.None), policy ?? new ImportPolicy(), null, CancellationToken.None);

    private static (string Text, CertificationRecord Record) Signed(LabSigningKey key, string status = "issued", string? amends = null, string conformity = "conforms", string? id = null, string issued = "2026-11-21T10:00:00Z")
    {
        var record = new CertificationRecord(
            CertificationRecord.SchemaId, id ?? Guid.CreateVersion7().ToString(), "R-1-EC25-4563", status, amends, amends is null ? null : new RecordAmendment("R-1-EC25-4563", new string('0', 64), "corrected"),
            new RecordDevice(["861700031234563"], "8617000312345601", "Quectel", "EC25", "EC25EFAR06A06M4G", "86170003"),
            [new RecordCase("IDN-001", "normative", "pass", new string('a', 64))], "normative-cases-simple-acceptance", conformity,
            new RecordLab("Lab A", null, key.Public.KeyId), new RecordRun("run-1", "certification", "ConformityLab 0.1.0"), issued, new string('b', 64), new string('c', 64));
        return (RecordEnvelope.Write(record, key), record);
    }

    [Test]
    public async Task Open_AppliesMigrations_AndRefusesANewerSchema()
    {
        Assert.That(await _db.SchemaVersionAsync(CancellationToken.None), Is.EqualTo(RefDbInfo.LatestSchema));
        await _db.ExecuteForTestAsync("INSERT INTO schema_migrations (version, applied) VALUES (99, 'later')");
        await _db.DisposeAsync();
        var refused = await Assert.ThrowsAsync<RefDbException>(async () => await ReferenceDatabase.OpenAsync(_connection));
        Assert.That(refused!.Message, Does.Contain("schema version 99").And.Contain("newer"));
        _db = await ReferenceDatabase.OpenAsync(engine == Engine.Sqlite ? Path.Combine(_dir, "other.sqlite") : await Postgres.NewDatabaseAsync());
    }

    [Test]
    public async Task StolenImport_KeepsGoodRows_ReportsEveryBadLine_AndNormalisesImeis()
    {
        var result = await ImportAsync(ListKind.Stolen, "imei,reporting_date,status,reporting_country\n861700031234563,20261101,stolen,CH\n8617000312345,20261101,stolen,CH\n35863014218350,2026-11-02,lost,FR\n3586301421835189,2026-11-03,lost,FR\n861700031234563,20261105,stolen,CH\n",
            new ImportPolicy(MaxRejectedShare: 0.5));
        Assert.That(result.Accepted, Is.EqualTo(3));
        Assert.That(result.Rejected.Select(r => r.Line), Is.EqualTo(new long[] { 3, 6 }));
        Assert.That(result.Rejected[0].Reason, Does.Contain("not an IMEI"));
        Assert.That(result.Rejected[1].Reason, Does.Contain("appears again"));
        var status = (await _db.StatusAsync(["861700031234563", "358630142183518"], CancellationToken.None)).ToList();
        Assert.That(status[0].Flags, Does.Contain("stolen"));
        Assert.That(status[0].Stolen!["country"], Is.EqualTo("CH"));
        Assert.That(status[1].Stolen!["raw"], Is.EqualTo("3586301421835189"), "a 16-digit value keeps its raw form; the key is its first 14 digits");
    }

    [Test]
    public async Task Thresholds_RefuseTheWholeImport_AndNothingChanges_UnlessForced()
    {
        var rows = string.Concat(Enumerable.Range(0, 20).Select(i => $"{86170003000000 + i}0,20261101,stolen\n"));
        await ImportAsync(ListKind.Stolen, "imei,reporting_date,status\n" + rows);
        var before = await _db.LogSizeAsync(CancellationToken.None);

        var shrink = await Assert.ThrowsAsync<ImportRefusedException>(() => ImportAsync(ListKind.Stolen, "imei,reporting_date,status\n861700030000000,20261101,stolen\n"));
        Assert.That(shrink!.Message, Does.Contain("shrink from 20 to 1"));
        var bad = await Assert.ThrowsAsync<ImportRefusedException>(() => ImportAsync(ListKind.Stolen, "imei,reporting_date,status\n" + rows + "garbage,x,y\nmore garbage,x,y\n"));
        Assert.That(bad!.Message, Does.Contain("2 of 22 lines"));
        Assert.That(await _db.LogSizeAsync(CancellationToken.None), Is.EqualTo(before), "a refused import logs nothing");
        Assert.That((await _db.StatusAsync(["861700030000190"], CancellationToken.None))[0].Flags, Does.Contain("stolen"), "the list is as it was");

        // A batch (past the few-key path): every listed IMEI is stolen, the others not, in the order asked.
        var asked = Enumerable.Range(10, 20).Select(i => $"{86170003000000 + i}0").ToList();
        var batch = await _db.StatusAsync(asked, CancellationToken.None);
        Assert.That(batch.Select(b => b.Imei), Is.EqualTo(asked));
        Assert.That(batch.Select(b => b.Flags.Contains("stolen")), Is.EqualTo(Enumerable.Range(10, 20).Select(i => i < 20)));

        var forced = await ImportAsync(ListKind.Stolen, "imei,reporting_date,status\n861700030000000,20261101,stolen\n", new ImportPolicy(Force: true));
        Assert.That(forced.Forced, Is.True);
        Assert.That((await _db.VerifyAsync(CancellationToken.None)).Ok, Is.True);
    }

    [Test]
    public async Task TacImport_UsesTheProbesParser_AndStatusNamesItsSource()
    {
        var result = await ImportAsync(ListKind.Tac, "TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields\n86170003|Quectel|EC25-E|LTE FDD BAND 1|14-Mar-2017|Module|\n1234|bad|row|x|y|z|\n", new ImportPolicy(MaxRejectedShare: 0.5));
        Assert.That(result.Accepted, Is.EqualTo(1));
        Assert.That(result.Rejected.Single().Reason, Does.Contain("TAC '1234' is not 8 decimal digits"));
        var status = (await _db.StatusAsync(["861700031234563", "351234561234568"], CancellationToken.None)).ToList();
        Assert.That(status[0].Conditions.Single(c => c.Id == "tac-not-allocated").Met, Is.False);
        Assert.That(status[1].Conditions.Single(c => c.Id == "tac-not-allocated").Met, Is.True);
        Assert.That(status[1].Conditions.Single(c => c.Id == "tac-not-allocated").Reason, Does.Contain("tac.csv, imported"));
    }

    [Test]
    public async Task Ingest_RefusesEveryBadRecord_WithItsReason_AndStoresAGoodOneOnce()
    {
        var key = LabSigningKey.Create();
        var other = LabSigningKey.Create();
        await _db.AddLabAsync("Lab A", key.Public, "SAS 1", new DateOnly(2026, 1, 1), null, CancellationToken.None);
        var (good, record) = Signed(key);

        var forged = good.Replace("\"conforms\"", "\"does not conform\"", StringComparison.Ordinal);
        var cases = new (string Text, string Says)[]
        {
            (forged, "forged or changed"),
            (Signed(other).Text, "which no registered lab holds"),
            (RecordEnvelope.Write(record, null), "unsigned"),
            (Signed(key, status: "draft").Text, "draft"),
            (good[..(good.Length / 2)], "malformed"),
            ("{\"record\": 1}", "malformed"),
        };
        foreach (var (text, says) in cases)
        {
            var refused = await Assert.ThrowsAsync<IngestRefusedException>(() => _db.IngestAsync(text, CancellationToken.None));
            Assert.That(refused!.Message, Does.Contain(says));
            Assert.That(refused.Message, Does.Not.Contain("\n"));
        }

        var first = await _db.IngestAsync(good, CancellationToken.None);
        var again = await _db.IngestAsync(good, CancellationToken.None);
        Assert.That(first.Stored, Is.True);
        Assert.That(again.Stored, Is.False);
        Assert.That(again.LeafIndex, Is.EqualTo(first.LeafIndex));
        Assert.That(await _db.LogSizeAsync(CancellationToken.None), Is.EqualTo(2), "the lab and the record, once");

        await _db.RevokeLabAsync("Lab A", new DateOnly(2026, 11, 22), CancellationToken.None);
        var late = await Assert.ThrowsAsync<IngestRefusedException>(() => _db.IngestAsync(Signed(key, issued: "2026-11-23T10:00:00Z").Text, CancellationToken.None));
        Assert.That(late!.Message, Does.Contain("revoked from 2026-11-22"));
        Assert.That((await _db.IngestAsync(Signed(key, issued: "2026-11-21T11:00:00Z").Text, CancellationToken.None)).Stored, Is.True, "a record issued before the revocation still counts");
    }

    [Test]
    public async Task AmendedRecord_Supersedes_AndBothStayInTheHistory()
    {
        var key = LabSigningKey.Create();
        await _db.AddLabAsync("Lab A", key.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        var (original, record) = Signed(key, conformity: "does not conform");
        await _db.IngestAsync(original, CancellationToken.None);
        Assert.That((await _db.StatusAsync(["861700031234563"], CancellationToken.None))[0].Flags, Does.Contain("counterfeit-or-tampered"));

        var orphan = await Assert.ThrowsAsync<IngestRefusedException>(() => _db.IngestAsync(Signed(key, status: "amended", amends: Guid.NewGuid().ToString()).Text, CancellationToken.None));
        Assert.That(orphan!.Message, Does.Contain("ingest the original first"));

        var amended = await _db.IngestAsync(Signed(key, status: "amended", amends: record.RecordId, issued: "2026-11-21T12:00:00Z").Text, CancellationToken.None);
        Assert.That(amended.Supersedes, Is.EqualTo(record.RecordId));
        var status = (await _db.StatusAsync(["861700031234563"], CancellationToken.None))[0];
        Assert.That(status.Flags, Does.Not.Contain("counterfeit-or-tampered").And.Not.Contain("not-certified"));
        Assert.That(status.LabRecords, Has.Count.EqualTo(1), "the superseded record is history, not the current finding");
        Assert.That((await _db.VerifyAsync(CancellationToken.None)).Ok, Is.True);
    }

    [Test]
    public async Task Log_ProofsVerifyByTheRfcAlgorithms_ForEverySize()
    {
        var key = LabSigningKey.Create();
        await _db.AddLabAsync("Lab A", key.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        for (var i = 0; i < 12; i++)
        {
            await _db.IngestAsync(Signed(key).Text, CancellationToken.None);
        }

        var size = await _db.LogSizeAsync(CancellationToken.None);
        Assert.That(size, Is.EqualTo(13));
        for (var n = 1; n <= size; n++)
        {
            var root = await _db.RootAsync(n, CancellationToken.None);
            for (var m = 0; m < n; m++)
            {
                var proof = await _db.ProveAsync(m.ToString(System.Globalization.CultureInfo.InvariantCulture), n, CancellationToken.None);
                Assert.That(MerkleTree.VerifyInclusion(m, n, Convert.FromBase64String(proof.LeafHash), proof.Path.Select(Convert.FromBase64String).ToList(), root), Is.True, $"leaf {m} in {n}");
                Assert.That(MerkleTree.VerifyInclusion(m, n, Convert.FromBase64String(proof.LeafHash), proof.Path.Select(Convert.FromBase64String).ToList(), Tampered(root)), Is.False);
            }

            for (var old = 1; old <= n; old++)
            {
                var c = await _db.ConsistencyAsync(old, n, CancellationToken.None);
                Assert.That(MerkleTree.VerifyConsistency(old, n, Convert.FromBase64String(c.OldRoot), Convert.FromBase64String(c.NewRoot), c.Path.Select(Convert.FromBase64String).ToList()), Is.True, $"{old} → {n}");
                if (old < n)
                {
                    Assert.That(MerkleTree.VerifyConsistency(old, n, Tampered(Convert.FromBase64String(c.OldRoot)), Convert.FromBase64String(c.NewRoot), c.Path.Select(Convert.FromBase64String).ToList()), Is.False);
                }
            }
        }
    }

    [Test]
    public async Task Checkpoint_IsASignedNote_ThatVerifiesWithTheLogKey()
    {
        await ImportAsync(ListKind.Stolen, "imei,reporting_date,status\n861700031234563,20261101,stolen\n");
        var note = await _db.CheckpointAsync(CancellationToken.None);
        var origin = await _db.OriginAsync(CancellationToken.None);
        var lines = note.Split('\n');
        Assert.That(lines[0], Is.EqualTo(origin));
        Assert.That(lines[1], Is.EqualTo("1"));
        Assert.That(Convert.FromBase64String(lines[2]), Is.EqualTo(await _db.RootAsync(1, CancellationToken.None)));
        Assert.That(SignedNote.Verify(note, origin, await _db.LogPublicKeyAsync(CancellationToken.None), out _), Is.True);
        Assert.That(SignedNote.Verify(note.Replace("\n1\n", "\n2\n", StringComparison.Ordinal), origin, await _db.LogPublicKeyAsync(CancellationToken.None), out _), Is.False);
    }

    [Test]
    public async Task RowsEditedBehindTheLogsBack_AreNamedByVerify()
    {
        var key = LabSigningKey.Create();
        await _db.AddLabAsync("Lab A", key.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        var (text, record) = Signed(key, conformity: "does not conform");
        await _db.IngestAsync(text, CancellationToken.None);
        await ImportAsync(ListKind.Stolen, "imei,reporting_date,status\n861700031234563,20261101,stolen\n358630142183500,20261101,stolen\n");
        await _db.CheckpointAsync(CancellationToken.None);
        Assert.That((await _db.VerifyAsync(CancellationToken.None)).Ok, Is.True);

        // Edited with the engine's own tools, outside ConformityLab.
        await EditAsync($"UPDATE records SET conformity = 'conforms' WHERE record_id = '{record.RecordId}'");
        await EditAsync("DELETE FROM stolen WHERE imei = '35863014218350'");
        await EditAsync("UPDATE labs SET revoked_from = NULL, accreditation_id = 'FAKE'");
        var report = await _db.VerifyAsync(CancellationToken.None);
        Assert.That(report.Ok, Is.False);
        Assert.That(report.Problems.Select(p => (p.Table, p.Key)), Is.SupersetOf(new[] { ("records", record.RecordId), ("labs", "Lab A") }));
        Assert.That(report.Problems.Single(p => p.Table == "stolen").Problem, Does.Contain("removed"));
    }

    private async Task EditAsync(string sql)
    {
        if (engine == Engine.Sqlite)
        {
            // A separate connection to the file, as sqlite3 would open it.
            await using var connection = new SqliteConnection($"Data Source={_connection};Pooling=false");
            await connection.OpenAsync();
            await using var command = new SqliteCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
            return;
        }

        var database = new NpgsqlConnectionStringBuilder(_connection).Database!;
        var (code, output) = await Postgres.RunAsync("psql", "-h", "127.0.0.1", "-p", Postgres.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", database, "-v", "ON_ERROR_STOP=1", "-c", sql);
        Assert.That(code, Is.Zero, output);
    }

    private static byte[] Tampered(byte[] hash)
    {
        var copy = hash.ToArray();
        copy[0] ^= 1;
        return copy;
    }
}
