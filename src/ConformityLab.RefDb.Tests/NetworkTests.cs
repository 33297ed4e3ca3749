using System.Globalization;
using System.Text;
using System.Text.Json;
using ConformityLab.Checks;

namespace ConformityLab.RefDb.Tests;

/// <summary>
/// The network side on both engines: an observation set with planted clones (one IMEI on many
/// subscribers at once, an IMEI passed from subscriber to subscriber, a RAT the model's bands
/// cannot do) among genuine devices (including a resold phone and a phone seen in two regions
/// by its one owner), and what classification, duplicates, lists and the audit make of it.
/// </summary>
[TestFixture(Engine.Sqlite)]
[TestFixture(Engine.Postgres)]
public sealed class NetworkTests(Engine engine)
{
    private const string Tacs = """
        TAC|Manufacturer|Model_Name|Bands|Allocation_Date|Device_Type|Optional_Fields
        35332011|Example Phones Ltd|Example X1|GSM 900,GSM 1800,WCDMA 2100,LTE FDD BAND 3,LTE FDD BAND 20,NR BAND n78|01-Jan-2023|Smartphone|
        35240461|Nordic Semiconductor ASA|nRF9160|LTE FDD BAND 3,LTE FDD BAND 20|01-Jan-2020|Module|
        """;

    private const string Conditions = """
        conditions:
          - label: duplicate_mk1
            reason: IMEI used by 5 or more subscribers in 60 days
            dimensions:
              - module: duplicate_threshold
                parameters: {threshold: 5, period_days: 60}
            grace_period_days: 30
            blocking: true
            max_allowed_matching_ratio: 0.1
          - label: duplicate_daily
            reason: IMEI used by 3 or more subscribers a day
            dimensions:
              - module: daily_avg_duplicate
                parameters: {threshold: 3, period_days: 30, min_seen_days: 3}
            grace_period_days: 0
            blocking: true
            max_allowed_matching_ratio: 0.1
          - label: inconsistent_rat
            reason: attached with a RAT its model cannot do
            dimensions:
              - module: inconsistent_rat
            grace_period_days: 0
            blocking: true
            max_allowed_matching_ratio: 0.1
          - label: malformed_imei
            reason: malformed IMEI
            dimensions:
              - module: malformed
            grace_period_days: 0
            blocking: true
            max_allowed_matching_ratio: 0.1
          - label: not_certified
            reason: no lab has certified the model
            dimensions:
              - module: not_certified
            grace_period_days: 0
            blocking: false
            max_allowed_matching_ratio: 1
        """;

    private string _dir = null!;
    private ReferenceDatabase _db = null!;
    private string _connection = null!;
    private Network _net = null!;

    [SetUp]
    public async Task OpenAsync()
    {
        _dir = Directory.CreateTempSubdirectory("cl-net-").FullName;
        _connection = engine == Engine.Sqlite ? Path.Combine(_dir, "ref.sqlite") : await Postgres.NewDatabaseAsync();
        _db = await ReferenceDatabase.OpenAsync(_connection);
        await _db.InitAsync(CancellationToken.None);
        await _db.ImportAsync(ListParsers.Read(ListKind.Tac, Write("tac.txt", Tacs), null, CancellationToken.None), new ImportPolicy(), null, CancellationToken.None);
        _net = Network.Plant();
    }

    [TearDown]
    public async Task CloseAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    private async Task<ObservationImportResult> ImportAsync(string op, string csv, ImportPolicy? policy = null)
    {
        using var hasher = await _db.HasherAsync(CancellationToken.None);
        var parsed = ObservationParser.Read(Write($"{op}-{Guid.NewGuid():N}.csv", csv), hasher, new DateOnly(2026, 12, 31), null, CancellationToken.None);
        return await _db.ImportObservationsAsync(op, parsed, policy ?? new ImportPolicy(), null, CancellationToken.None);
    }

    private Task<ClassifyResult> ClassifyAsync(string conditions, DateOnly asOf) =>
        _db.ClassifyAsync(ConditionSet.Parse(conditions, "conditions.yaml"), asOf, null, CancellationToken.None);

    private async Task ImportAllAsync()
    {
        await ImportAsync("OP1", _net.Csv("OP1"));
        await ImportAsync("OP2", _net.Csv("OP2"));
    }

    [Test]
    public async Task Duplicates_FindExactlyThePlantedClones_WithTheirSubscribersDatesOperatorsAndPlaces()
    {
        await ImportAllAsync();
        var report = await _db.DuplicatesAsync(5, DayWindow.Ending(new DateOnly(2026, 11, 30), 30), CancellationToken.None);
        Assert.That(report.Imeis.Select(i => i.Imei), Is.EquivalentTo(new[] { _net.Shared, _net.Rotating }), "the resold phone (2 subscribers) and the genuine ones are not duplicates");
        var shared = report.Imeis.Single(i => i.Imei == _net.Shared);
        Assert.That(shared.Subscribers, Is.EqualTo(Network.SharedSubscribers));
        Assert.That(shared.Operators, Is.EqualTo(new[] { "OP1", "OP2" }));
        Assert.That(shared.Conflicts, Is.Not.Empty, "clones seen the same day in two regions");
        var rotating = report.Imeis.Single(i => i.Imei == _net.Rotating);
        Assert.That(rotating.Subscribers, Is.EqualTo(Network.RotatingSubscribers));
        Assert.That((rotating.First, rotating.Last), Is.EqualTo((new DateOnly(2026, 11, 1), new DateOnly(2026, 11, Network.RotatingSubscribers * 3))));
        Assert.That(rotating.Conflicts, Is.Empty, "one subscriber at a time, in one region");
        Assert.That(report.ObservedImeis, Is.EqualTo(_net.Imeis.Count));
    }

    [Test]
    public async Task Classify_FindsExactlyThePlantedClones_AndThenOnlyWhatChanged()
    {
        await ImportAllAsync();
        var first = await ClassifyAsync(Conditions, new DateOnly(2026, 11, 30));
        Assert.That(first.Scope, Does.StartWith("full"));
        Assert.That(first.Evaluated, Is.EqualTo(_net.Imeis.Count));
        var matched = await MatchedAsync();
        Assert.That(matched["duplicate_mk1"], Is.EquivalentTo(new[] { _net.Shared, _net.Rotating }));
        Assert.That(matched["duplicate_daily"], Is.EquivalentTo(new[] { _net.Shared }), "passed from subscriber to subscriber, one a day, it is never 3 a day");
        Assert.That(matched["inconsistent_rat"], Is.EquivalentTo(new[] { _net.ImpossibleRat }), "an LTE-only module on 2G; the genuine one on LTE is not");
        Assert.That(matched["malformed_imei"], Is.EquivalentTo(new[] { "12345ABC" }));
        Assert.That(first.Conditions.Single(c => c.Label == "not_certified").Matched, Is.EqualTo(_net.Imeis.Count), "no lab record: nothing is certified, and the condition does not block");

        // The status API says so, with the condition's reason; a genuine phone is no duplicate.
        var status = await _db.StatusAsync([_net.Rotating, _net.Genuine[3]], CancellationToken.None);
        Assert.That(status[0].Conditions.Single(c => c.Id == "duplicate"), Has.Property("Met").EqualTo(true).And.Property("Reason").Contains("5 or more subscribers in 60 days"));
        Assert.That(status[0].Network.Select(n => n["condition"]), Is.EqualTo(new[] { "duplicate_mk1", "not_certified" }));
        Assert.That(status[1].Conditions.Single(c => c.Id == "duplicate").Met, Is.False);

        // The same inputs and date: the next run evaluates only the IMEIs of the new file.
        await ImportAsync("OP2", $"date,imei,imsi,msisdn,rat\n20261130,{Luhn("35332011000099")},214079999999999,34699999999,4G\n");
        var second = await ClassifyAsync(Conditions, new DateOnly(2026, 11, 30));
        Assert.That(second.Scope, Does.StartWith("incremental"));
        Assert.That(second.Evaluated, Is.EqualTo(1));
        Assert.That((await MatchedAsync())["duplicate_mk1"], Is.EquivalentTo(new[] { _net.Shared, _net.Rotating }));

        // Re-importing a file changes nothing, so the next run has nothing to evaluate.
        await ImportAsync("OP1", _net.Csv("OP1"));
        Assert.That((await ClassifyAsync(Conditions, new DateOnly(2026, 11, 30))).Evaluated, Is.Zero);

        // A condition past its safety share is left as it was, with the reason.
        var greedy = Conditions.Replace("max_allowed_matching_ratio: 1", "max_allowed_matching_ratio: 0.5", StringComparison.Ordinal);
        Assert.That(greedy, Is.Not.EqualTo(Conditions));
        var refused = await ClassifyAsync(greedy, new DateOnly(2026, 11, 30));
        Assert.That(refused.Scope, Does.Contain("the conditions changed"));
        Assert.That(refused.Conditions.Single(c => c.Label == "not_certified").Skipped, Does.Contain("safety limit"));
    }

    [Test]
    public async Task Lists_AndTheirDeltas_AreRightAcrossTwoGenerations_AndAnAuditFindsThePlantedGaps()
    {
        await ImportAllAsync();
        var pairing = Write("pairing.csv", $"imei,imsi\n{_net.Shared},{_net.SharedPairedImsi}\n");
        await _db.ImportPairingsAsync(pairing, new ImportPolicy(), CancellationToken.None);
        await ClassifyAsync(Conditions, new DateOnly(2026, 11, 30));
        var out1 = Path.Combine(_dir, "lists");
        var g1 = await _db.GenerateListsAsync(out1, ListPolicy.Permissive, 30, CancellationToken.None);
        Assert.That(g1.Generation, Is.EqualTo(1));
        var block1 = ReadCsv(g1.Folder, "block-list.csv");
        Assert.That(block1.Select(r => r["imei"]), Is.EquivalentTo(new[] { _net.Shared, _net.ImpossibleRat, "12345ABC" }), "blocked at once (grace 0); the rotating clone is in its 30-day grace");
        Assert.That(block1.Single(r => r["imei"] == _net.Shared)["reasons"], Is.EqualTo("IMEI used by 3 or more subscribers a day|IMEI used by 5 or more subscribers in 60 days"));
        var notified = ReadCsv(g1.Folder, "notifications-OP1.csv").Concat(ReadCsv(g1.Folder, "notifications-OP2.csv")).ToList();
        Assert.That(notified.Select(r => r["imei"]).Distinct(), Is.EqualTo(new[] { _net.Rotating }));
        Assert.That(notified, Has.Count.EqualTo(Network.RotatingSubscribers), "each subscriber of the rotating IMEI is told");
        Assert.That(notified.Select(r => r["block_date"]).Distinct(), Is.EqualTo(new[] { "2026-12-30" }));
        var exceptions = ReadCsv(g1.Folder, "exceptions-OP1.csv").Concat(ReadCsv(g1.Folder, "exceptions-OP2.csv")).ToList();
        Assert.That(exceptions.Select(r => r["imei"]), Is.EqualTo(new[] { _net.Shared }), "the paired owner of the shared IMEI keeps using it");
        Assert.That(ReadCsv(g1.Folder, "block-list-delta.csv").Select(r => r["change"]).Distinct(), Is.EqualTo(new[] { "added" }));

        // Generation 2, a month later: the rotating clone's grace is over; the RAT condition is
        // withdrawn; a newly stolen phone and the shared IMEI (on the stolen list too) change.
        await ImportAsync("OP1", _net.December());
        await _db.ImportAsync(ListParsers.Read(ListKind.Stolen, Write("stolen.csv", $"imei,reporting_date,status\n{_net.Shared},20261201,stolen\n{_net.Stolen},20261205,stolen\n"), null, CancellationToken.None), new ImportPolicy(), null, CancellationToken.None);
        var conditions2 = Conditions.Replace("  - label: inconsistent_rat\n    reason: attached with a RAT its model cannot do\n    dimensions:\n      - module: inconsistent_rat\n    grace_period_days: 0\n    blocking: true\n    max_allowed_matching_ratio: 0.1\n", string.Empty, StringComparison.Ordinal)
            + "\n  - label: stolen\n    reason: reported stolen\n    dimensions:\n      - module: stolen\n    grace_period_days: 0\n    blocking: true\n    max_allowed_matching_ratio: 0.1\n";
        Assert.That(conditions2, Does.Not.Contain("inconsistent_rat"));
        await ClassifyAsync(conditions2, new DateOnly(2026, 12, 31));
        var g2 = await _db.GenerateListsAsync(out1, ListPolicy.Permissive, 30, CancellationToken.None);
        Assert.That(g2.Previous, Is.EqualTo(1));
        Assert.That(ReadCsv(g2.Folder, "block-list.csv").Select(r => r["imei"]), Is.EquivalentTo(new[] { _net.Shared, _net.Rotating, "12345ABC", _net.Stolen }));
        var delta = ReadCsv(g2.Folder, "block-list-delta.csv").ToDictionary(r => r["imei"], r => r["change"]);
        Assert.That(delta, Is.EquivalentTo(new Dictionary<string, string> { [_net.Rotating] = "added", [_net.Stolen] = "added", [_net.ImpossibleRat] = "removed", [_net.Shared] = "changed" }));
        var notifyDelta = ReadCsv(g2.Folder, "notifications-OP1-delta.csv").Concat(ReadCsv(g2.Folder, "notifications-OP2-delta.csv")).ToList();
        Assert.That(notifyDelta.Select(r => (r["imei"], r["change"])).Distinct(), Is.EqualTo(new[] { (_net.Rotating, "removed") }));

        // The manifest's hashes are the files', and the log holds the manifest.
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(g2.Folder, "manifest.json"))).RootElement;
        foreach (var list in manifest.GetProperty("lists").EnumerateArray())
        {
            var file = Path.Combine(g2.Folder, list.GetProperty("file").GetString()!);
            Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(file))), Is.EqualTo(list.GetProperty("sha256").GetString()), file);
        }

        // An EIR that stopped at generation 1, lacks one IMEI and blocks one never listed.
        var eir = Write("eir-op1.csv", $"imei,note\n{_net.Shared}1,x\n{_net.ImpossibleRat}5,x\n{_net.Rotating},x\n{_net.Genuine[0]},x\nnot-an-imei,x\n");
        var audit = await _db.AuditAsync("OP1", eir, null, Path.Combine(_dir, "audits"), CancellationToken.None);
        Assert.That(audit.Generation, Is.EqualTo(2));
        Assert.That(audit.Findings.Select(f => (f.Kind, f.Imei, f.Generation)), Is.EquivalentTo(new (string, string, long?)[]
        {
            ("lacks", _net.Stolen, 2),
            ("lacks", "12345ABC", 1),
            ("extra", _net.ImpossibleRat, 2),
            ("extra", _net.Genuine[0], null),
        }), "the malformed IMEI cannot be in an EIR's list of IMEIs: it is held by the EIR as 14 digits or not at all, so it is lacking too");
        Assert.That(audit.Rejected.Single().Line, Is.EqualTo(6));
        Assert.That(audit.BestMatchGeneration, Is.EqualTo(1), "it matches generation 1 best: it was not updated since");
        Assert.That(File.ReadAllText(audit.ReportFile), Does.Contain("\"lacks\""));
        Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(audit.CsvFile))), Is.EqualTo(audit.CsvSha256));
        var verify = await _db.VerifyAsync(CancellationToken.None);
        Assert.That(verify.Ok, Is.True, string.Join("; ", verify.Problems));

        // No raw IMSI or MSISDN anywhere: the database, the lists, the audit.
        await AssertNoPersonalDataAsync();
    }

    [Test]
    public async Task BadLines_AreReportedByNumber_AndPastTheThreshold_NothingChanges()
    {
        var csv = "date,imei,imsi,msisdn,rat\n20261101,353320110000016,214070000000001,34600000001,4G\n2026-13-01,353320110000016,214070000000001,34600000001,4G\n20261101,353320110000016,21407X,34600000001,4G\n20261101,353320110000016,214070000000001,34600000001,6G\n20261101,353320110000016\n";
        var refused = await Assert.ThrowsAsync<ImportRefusedException>(async () => await ImportAsync("OP1", csv));
        Assert.That(refused!.Message, Does.Contain("4 of 5 lines").And.Contain("nothing changed"));
        Assert.That(await _db.DuplicatesAsync(1, DayWindow.Ending(new DateOnly(2026, 11, 30), 30), CancellationToken.None), Has.Property("ObservedImeis").EqualTo(0));
        var forced = await ImportAsync("OP1", csv, new ImportPolicy(Force: true));
        Assert.That(forced.Rejected.Select(r => r.Line), Is.EqualTo(new long[] { 3, 4, 5, 6 }));
        Assert.That(forced.Rejected[0].Reason, Does.Contain("date"));
        Assert.That(forced.Rejected[1].Reason, Does.Contain("IMSI"));
        Assert.That(forced.Rejected[2].Reason, Does.Contain("rat"));
        Assert.That(forced.Rejected[3].Reason, Does.Contain("columns"));
        Assert.That((forced.Triplets, forced.Forced), Is.EqualTo((1L, true)));
        await Assert.ThrowsAsync<ArgumentException>(async () => await _db.ImportObservationsAsync("../etc", null!, new ImportPolicy(), null, CancellationToken.None));
    }

    /// <summary>The classification table as stored, read through the engine's own driver.</summary>
    private async Task<Dictionary<string, List<string>>> MatchedAsync()
    {
        var rows = new[] { "duplicate_mk1", "duplicate_daily", "inconsistent_rat", "malformed_imei", "not_certified" }.ToDictionary(l => l, _ => new List<string>());
        await using System.Data.Common.DbConnection connection = engine == Engine.Sqlite ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_connection};Pooling=false") : new Npgsql.NpgsqlConnection(_connection);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT condition, imei FROM classification ORDER BY condition, imei";
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)].Add(reader.GetString(1));
        }

        return rows;
    }

    private async Task AssertNoPersonalDataAsync()
    {
        var haystacks = new List<(string Where, byte[] Bytes)>();
        if (engine == Engine.Sqlite)
        {
            await _db.DisposeAsync();
            foreach (var file in Directory.GetFiles(_dir, "ref.sqlite*"))
            {
                haystacks.Add((file, await File.ReadAllBytesAsync(file)));
            }

            _db = await ReferenceDatabase.OpenAsync(_connection);
        }
        else
        {
            var bin = Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin", "pg_dump")).First(File.Exists);
            var (code, output) = await Postgres.RunAsync(bin, "-h", "127.0.0.1", "-p", Postgres.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "--data-only", new Npgsql.NpgsqlConnectionStringBuilder(_connection).Database!);
            Assert.That(code, Is.Zero, output);
            Assert.That(output, Does.Contain("COPY public.observations"), "the dump holds the observations");
            haystacks.Add(("pg_dump", Encoding.UTF8.GetBytes(output)));
        }

        foreach (var file in Directory.GetFiles(Path.Combine(_dir, "lists"), "*", SearchOption.AllDirectories).Concat(Directory.GetFiles(Path.Combine(_dir, "audits"))))
        {
            haystacks.Add((file, await File.ReadAllBytesAsync(file)));
        }

        foreach (var secret in _net.PersonalData)
        {
            var needle = Encoding.ASCII.GetBytes(secret);
            foreach (var (where, bytes) in haystacks)
            {
                Assert.That(bytes.AsSpan().IndexOf(needle), Is.EqualTo(-1), $"'{secret}' is in {where}");
            }
        }
    }

    private static List<Dictionary<string, string>> ReadCsv(string folder, string file)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, file));
        var header = lines[0].Split(',');
        return lines.Skip(1).Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
    }

    private static string Luhn(string first14) => first14[..14] + ImeiRules.LuhnCheckDigit(first14.AsSpan(0, 14)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The planted network: genuine devices and known clones over November 2026, on two operators.</summary>
    private sealed class Network
    {
        public const int SharedSubscribers = 40;
        public const int RotatingSubscribers = 10;
        private readonly List<(int Day, string Imei, string Imsi, string Msisdn, string Rat, string Region, string Op)> _rows = [];

        public required string Shared { get; init; }

        public required string Rotating { get; init; }

        public required string ImpossibleRat { get; init; }

        public required string Stolen { get; init; }

        public required string SharedPairedImsi { get; init; }

        public required List<string> Genuine { get; init; }

        public HashSet<string> Imeis => _rows.Select(r => ListParsers.Key(r.Imei) ?? r.Imei).ToHashSet();

        /// <summary>Every IMSI and MSISDN, as raw text.</summary>
        public IEnumerable<string> PersonalData => _rows.SelectMany(r => new[] { r.Imsi, r.Msisdn, r.Msisdn.TrimStart('+') }).Distinct();

        public static Network Plant()
        {
            var random = new Random(11);
            var genuine = Enumerable.Range(0, 200).Select(i => Luhn($"35332011{100000 + i:D6}")).ToList();
            var net = new Network
            {
                Shared = Luhn("35332011900001")[..14],
                Rotating = Luhn("35332011900002")[..14],
                ImpossibleRat = Luhn("35240461900003")[..14],
                Stolen = genuine[7][..14],
                SharedPairedImsi = "214070000500000",
                Genuine = genuine.Select(g => g[..14]).ToList(),
            };
            var subscriber = 0;
            string Imsi(int n) => $"2140700{n:D8}";
            string Msisdn(int n) => $"+3460{n:D7}";

            // Genuine phones: one owner each, seen on some days, on 4G or 5G, in one region.
            foreach (var imei in genuine)
            {
                var n = subscriber++;
                foreach (var day in Enumerable.Range(1, 30).Where(_ => random.NextDouble() < 0.4))
                {
                    net._rows.Add((day, imei, Imsi(n), Msisdn(n), random.Next(2) == 0 ? "4G" : "006|010", "R1", n % 2 == 0 ? "OP1" : "OP2"));
                }

                net._rows.Add((15, imei, Imsi(n), Msisdn(n), "4G", "R1", n % 2 == 0 ? "OP1" : "OP2"));
            }

            // A genuine phone resold mid-month: two owners, one after the other; and one whose owner travels.
            var resold = Luhn("35332011800001");
            net._rows.Add((3, resold, Imsi(900), Msisdn(900), "4G", "R1", "OP1"));
            net._rows.Add((20, resold, Imsi(901), Msisdn(901), "4G", "R2", "OP2"));
            var traveller = Luhn("35332011800002");
            net._rows.Add((10, traveller, Imsi(902), Msisdn(902), "4G", "R1", "OP1"));
            net._rows.Add((10, traveller, Imsi(902), Msisdn(902), "4G", "R3", "OP1"));

            // One IMEI on 40 subscribers at once (one of them its paired owner), in several regions, on both operators.
            for (var i = 0; i < SharedSubscribers; i++)
            {
                var imsi = i == 0 ? net.SharedPairedImsi : Imsi(1000 + i);
                foreach (var day in Enumerable.Range(1, 30).Where(d => (d + i) % 3 == 0))
                {
                    net._rows.Add((day, Luhn(net.Shared), imsi, Msisdn(1000 + i), "3G", $"R{i % 4 + 1}", i % 2 == 0 ? "OP1" : "OP2"));
                }
            }

            // One IMEI passed from subscriber to subscriber: three days each, one at a time, one region.
            for (var i = 0; i < RotatingSubscribers; i++)
            {
                for (var d = 1; d <= 3; d++)
                {
                    net._rows.Add((i * 3 + d, Luhn(net.Rotating), Imsi(2000 + i), Msisdn(2000 + i), "4G", "R2", "OP1"));
                }
            }

            // An LTE-only module seen on 2G (its bands cannot do it), and a genuine one on LTE.
            net._rows.Add((5, Luhn(net.ImpossibleRat), Imsi(3000), Msisdn(3000), "002", "R1", "OP2"));
            net._rows.Add((5, Luhn("35240461900004"), Imsi(3001), Msisdn(3001), "006", "R1", "OP2"));

            // A malformed IMEI, as networks do see them.
            net._rows.Add((7, "12345abc", Imsi(3002), Msisdn(3002), "GSM", "R1", "OP1"));
            return net;
        }

        public string Csv(string op)
        {
            var csv = new StringBuilder("date,imei,imsi,msisdn,rat,region\n");
            foreach (var r in _rows.Where(r => r.Op == op).OrderBy(r => r.Day))
            {
                csv.Append(CultureInfo.InvariantCulture, $"202611{r.Day:D2},{r.Imei},{r.Imsi},{r.Msisdn},{r.Rat},{r.Region}\n");
            }

            return csv.ToString();
        }

        /// <summary>December: the genuine phones go on; the stolen one too.</summary>
        public string December()
        {
            var csv = new StringBuilder("date,imei,imsi,msisdn,rat\n");
            foreach (var r in _rows.Where(r => r.Imei.Length == 15 && Genuine.Contains(r.Imei[..14])).DistinctBy(r => r.Imei))
            {
                csv.Append(CultureInfo.InvariantCulture, $"20261201,{r.Imei},{r.Imsi},{r.Msisdn},{r.Rat}\n");
            }

            return csv.ToString();
        }
    }
}
