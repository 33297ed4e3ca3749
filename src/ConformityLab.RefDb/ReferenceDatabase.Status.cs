using System.Data.Common;
using System.Globalization;
using ConformityLab.Checks;

namespace ConformityLab.RefDb;

/// <summary>One condition of an IMEI's classification: whether it is met, and why, from which source.</summary>
/// <param name="Id">malformed, tac-not-allocated, test-tac, placeholder, duplicate, stolen, not-registered, not-certified, counterfeit-or-tampered.</param>
/// <param name="Met">True when met (a flag), false when not, null when it could not be evaluated.</param>
/// <param name="Reason">One line, naming the source and its date.</param>
public sealed record StatusCondition(string Id, bool? Met, string Reason);

/// <summary>An IMEI's status: the facts the database holds about it and its classification. No personal data.</summary>
public sealed record ImeiStatus(
    string Imei,
    string? Key,
    IReadOnlyDictionary<string, string?>? Tac,
    IReadOnlyDictionary<string, string?>? Certification,
    IReadOnlyDictionary<string, string?>? Stolen,
    IReadOnlyDictionary<string, string?>? Registration,
    IReadOnlyList<IReadOnlyDictionary<string, string?>> LabRecords,
    IReadOnlyList<StatusCondition> Conditions,
    IReadOnlyList<IReadOnlyDictionary<string, string?>> Network)
{
    /// <summary>The conditions met.</summary>
    public IReadOnlyList<string> Flags => Conditions.Where(c => c.Met == true).Select(c => c.Id).ToList();
}

public sealed partial class ReferenceDatabase
{
    /// <summary>A TAC's GSMA record, by TAC (a query of <see cref="ByKeyAsync"/>).</summary>
    private const string TacByKey = "SELECT t.tac, t.manufacturer, t.model, t.bands, t.allocation_date, t.device_type FROM {keys} JOIN tac t ON t.tac = {key}";

    /// <summary>A TAC's certified model, by TAC (a query of <see cref="ByKeyAsync"/>).</summary>
    private const string CertifiedByKey = "SELECT c.tac, c.manufacturer, c.model, c.certificate_id, c.conformity, c.lab, c.issued FROM {keys} JOIN certified_models c ON c.tac = {key}";

    /// <summary>The most IMEIs one status call answers.</summary>
    public const int MaxBatch = 1000;

    /// <summary>The status of each IMEI (at most <see cref="MaxBatch"/>).</summary>
    /// <exception cref="ArgumentException">More than <see cref="MaxBatch"/> IMEIs.</exception>
    public async Task<IReadOnlyList<ImeiStatus>> StatusAsync(IReadOnlyList<string> imeis, CancellationToken cancellationToken)
    {
        if (imeis.Count > MaxBatch)
        {
            throw new ArgumentException($"{imeis.Count} IMEIs asked; one call answers at most {MaxBatch}", nameof(imeis));
        }

        // One query per table for the whole batch, not one per IMEI.
        var keys = imeis.Select(i => ListParsers.Key(i.Trim())).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var tacs = keys.Select(k => k[..8]).Distinct(StringComparer.Ordinal).ToList();
        var found = await ByKeyAsync(
            [
                ("SELECT i.list, i.source, i.imported FROM {keys} JOIN imports i ON i.list = {key} WHERE i.id = (SELECT MAX(m.id) FROM imports m WHERE m.list = i.list)", [.. ListKind.All.Select(k => k.Name), "observations"]),
                (TacByKey, tacs),
                ("SELECT s.imei, s.raw, s.reporting_date, s.status, s.country, s.party, s.case_ref, s.make, s.model FROM {keys} JOIN stolen s ON s.imei = {key}", keys),
                ("SELECT g.imei, g.make, g.model, g.status, g.model_number, g.brand_name, g.device_type, g.radio_interface, g.device_id FROM {keys} JOIN registration g ON g.imei = {key}", keys),
                (CertifiedByKey, tacs),
                ("SELECT i.imei, r.record_id AS \"recordId\", r.report_id AS \"reportId\", r.lab, r.status, r.conformity, r.issued, r.model FROM {keys} JOIN record_imeis i ON i.imei = {key} JOIN records r ON r.record_id = i.record_id WHERE NOT EXISTS (SELECT 1 FROM records a WHERE a.amends = r.record_id) ORDER BY r.issued", keys),
                ("SELECT c.imei, c.condition, c.reason, c.since, c.block_date AS \"blockDate\", c.blocking, c.dimensions FROM {keys} JOIN classification c ON c.imei = {key} ORDER BY c.condition", keys),
                ("SELECT {key} AS k, r.id AS run, r.as_of AS \"asOf\" FROM {keys} JOIN classify_runs r ON {key} = 'run' WHERE r.id = (SELECT MAX(m.id) FROM classify_runs m)", ["run"]),
            ],
            cancellationToken).ConfigureAwait(false);
        var imports = found[0].ToDictionary(g => g.Key, g => $"{g.First()["source"]}, imported {g.First()["imported"]}", StringComparer.Ordinal);
        var run = found[7]["run"].FirstOrDefault();
        var facts = new Facts(found[1], found[2], found[3], found[4], found[5], found[6], run, imports);
        return imeis.Select(i => Status(i.Trim(), facts)).ToList();
    }

    private sealed record Facts(
        ILookup<string, IReadOnlyDictionary<string, string?>> Tac,
        ILookup<string, IReadOnlyDictionary<string, string?>> Stolen,
        ILookup<string, IReadOnlyDictionary<string, string?>> Registration,
        ILookup<string, IReadOnlyDictionary<string, string?>> Certified,
        ILookup<string, IReadOnlyDictionary<string, string?>> Records,
        ILookup<string, IReadOnlyDictionary<string, string?>> Classification,
        IReadOnlyDictionary<string, string?>? Run,
        Dictionary<string, string> Imports);

    private static ImeiStatus Status(string imei, Facts facts)
    {
        var imports = facts.Imports;
        var conditions = new List<StatusCondition>();
        var key = ListParsers.Key(imei);
        var format = ImeiRules.Format(imei);
        var luhn = format.Ok ? ImeiRules.Luhn(imei) : (Ok: key is not null, Reason: key is null ? format.Reason : "14 digits given: no check digit to verify");
        conditions.Add(new StatusCondition("malformed", !format.Ok && key is null || !luhn.Ok, $"{(format.Ok ? luhn.Reason : format.Reason)} (3GPP TS 23.003 §6.2.1)"));
        if (key is null)
        {
            return new ImeiStatus(imei, null, null, null, null, null, [], conditions, []);
        }

        var tacCode = key[..8];
        var tac = facts.Tac[tacCode].FirstOrDefault();
        conditions.Add(imports.TryGetValue("tac", out var tacSource)
            ? new StatusCondition("tac-not-allocated", tac is null, tac is null ? $"TAC {tacCode} is not in the GSMA TAC database ({tacSource})" : $"TAC {tacCode} is allocated to {tac["manufacturer"]} for {tac["model"]} ({tacSource})")
            : new StatusCondition("tac-not-allocated", null, "no GSMA TAC database has been imported"));
        var test = ImeiRules.TestTac(key);
        conditions.Add(new StatusCondition("test-tac", !test.Ok, test.Reason));
        var placeholder = ImeiRules.Placeholder(imei.Length == 15 ? imei : key);
        conditions.Add(new StatusCondition("placeholder", !placeholder.Ok, placeholder.Reason));
        var network = facts.Classification[key].Select(r => (IReadOnlyDictionary<string, string?>)r.Where(p => p.Key is not ("imei" or "dimensions")).ToDictionary(p => p.Key, p => p.Key == "blocking" ? (p.Value == "1" ? "true" : "false") : p.Value)).ToList();
        conditions.Add(Duplicate(facts.Classification[key].ToList(), facts.Run, imports.ContainsKey("observations")));

        var stolen = facts.Stolen[key].FirstOrDefault();
        conditions.Add(imports.TryGetValue("stolen", out var stolenSource)
            ? new StatusCondition("stolen", stolen is not null, stolen is null ? $"not on the stolen or lost list ({stolenSource})" : $"reported {stolen["status"] ?? "stolen"} on {stolen["reporting_date"] ?? "an unknown date"}{(stolen["country"] is { } c ? " in " + c : string.Empty)} ({stolenSource})")
            : new StatusCondition("stolen", null, "no stolen or lost list has been imported"));

        var registration = facts.Registration[key].FirstOrDefault();
        conditions.Add(imports.TryGetValue("registration", out var regSource)
            ? new StatusCondition("not-registered", registration is null, registration is null ? $"not on the registration list ({regSource})" : $"registered as {registration["make"]} {registration["model"]}, status {registration["status"]} ({regSource})")
            : new StatusCondition("not-registered", null, "no registration list has been imported"));

        var certification = facts.Certified[tacCode].FirstOrDefault();
        conditions.Add(new StatusCondition("not-certified", certification is null || certification["conformity"] != "conforms",
            certification is null ? $"no lab record certifies a model of TAC {tacCode}" : $"{certification["lab"]} examined the model of TAC {tacCode} on {certification["issued"]}: {(certification["conformity"] is "conforms" or "does not conform" ? "it " + certification["conformity"] : "its conformity is " + certification["conformity"])} (record {certification["certificate_id"]})"));

        // Lab records of this very IMEI: the newest of each amendment chain counts.
        var records = facts.Records[key].Select(r => (IReadOnlyDictionary<string, string?>)r.Where(p => p.Key != "imei").ToDictionary(p => p.Key, p => p.Value)).ToList();
        var failing = records.Where(r => r["conformity"] == "does not conform").ToList();
        conditions.Add(new StatusCondition("counterfeit-or-tampered", records.Count == 0 ? null : failing.Count > 0,
            records.Count == 0 ? "no lab has examined this device" : failing.Count > 0 ? $"{failing[0]["lab"]} found this device not to conform on {failing[0]["issued"]} (record {failing[0]["recordId"]})" : $"{records[^1]["lab"]} found this device to conform on {records[^1]["issued"]}"));
        return new ImeiStatus(imei, key, tac, certification, stolen, registration, records, conditions, network);
    }

    /// <summary>The duplicate condition, from the newest classification: met when a condition with a duplicate dimension matches the IMEI.</summary>
    private static StatusCondition Duplicate(List<IReadOnlyDictionary<string, string?>> classified, IReadOnlyDictionary<string, string?>? run, bool observed)
    {
        if (!observed)
        {
            return new StatusCondition("duplicate", null, "not evaluated: no operator observations are held (Q.5052 duplicate detection needs them)");
        }

        if (run is null)
        {
            return new StatusCondition("duplicate", null, "not evaluated: operator observations are held, but no classification has run ('db classify')");
        }

        var duplicate = classified.FirstOrDefault(c => (c["dimensions"] ?? string.Empty).Split(", ").Any(d => d.StartsWith("duplicate_threshold", StringComparison.Ordinal) || d.StartsWith("daily_avg_duplicate", StringComparison.Ordinal)));
        return duplicate is null
            ? new StatusCondition("duplicate", false, $"no duplicate condition matches it (classification run {run["run"]} as of {run["asOf"]}, Q.5052)")
            : new StatusCondition("duplicate", true, $"{duplicate["reason"]} (condition {duplicate["condition"]}, since {duplicate["since"]}; classification run {run["run"]} as of {run["asOf"]}, Q.5052)");
    }

    /// <summary>
    /// For each query, the rows whose first column is one of its keys, by that column. A query
    /// joins its table to its keys, passed as one parameter: an array that <c>unnest</c> opens on
    /// PostgreSQL (so each key probes only its own hash partition), a JSON array that
    /// <c>json_each</c> opens on SQLite, or, for one key (a point lookup, the common case), the key
    /// itself. On PostgreSQL the queries go as one prepared batch, in one round trip.
    /// </summary>
    private async Task<IReadOnlyList<ILookup<string, IReadOnlyDictionary<string, string?>>>> ByKeyAsync(IReadOnlyList<(string Sql, IReadOnlyList<string> Keys)> queries, CancellationToken cancellationToken)
    {
        var results = new List<ILookup<string, IReadOnlyDictionary<string, string?>>>(queries.Count);
        if (Engine == Engine.Postgres)
        {
            var batch = PreparedBatch(queries.Select(q => (q.Sql.Replace("{keys}", "unnest(@keys) AS k(key)", StringComparison.Ordinal).Replace("{key}", "k.key", StringComparison.Ordinal), (object?)q.Keys.ToArray())).ToList());
            await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            do
            {
                results.Add(await LookupAsync(reader, cancellationToken).ConfigureAwait(false));
            }
            while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));

            return results;
        }

        // On SQLite, each query is a statement prepared once and stepped through SQLite's own API,
        // its one parameter bound by position: Microsoft.Data.Sqlite's command binds by name and
        // builds a reader on every execution, which was most of a point lookup's time.
        foreach (var (sql, keys) in queries)
        {
            // CROSS JOIN keeps SQLite's join order: the keys outside, one primary-key probe each, in key order.
            var text = sql.Replace("{keys} JOIN", keys.Count == 1 ? "(SELECT ? AS value) AS k CROSS JOIN" : "json_each(?) AS k CROSS JOIN", StringComparison.Ordinal).Replace("{key}", "k.value", StringComparison.Ordinal);
            cancellationToken.ThrowIfCancellationRequested();
            results.Add(SqliteRows(text, keys.Count == 1 ? keys[0] : System.Text.Json.JsonSerializer.Serialize(keys.Order(StringComparer.Ordinal))).ToLookup(r => r.Key, r => r.Row, StringComparer.Ordinal));
        }

        return results;
    }

    /// <summary>The current result set's rows, by their first column.</summary>
    private static async Task<ILookup<string, IReadOnlyDictionary<string, string?>>> LookupAsync(DbDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<(string Key, IReadOnlyDictionary<string, string?> Row)>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new Dictionary<string, string?>(reader.FieldCount, StringComparer.Ordinal);
            for (var i = 0; i < reader.FieldCount; i++)
            {
                row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
            }

            rows.Add((row[reader.GetName(0)]!, row));
        }

        return rows.ToLookup(r => r.Key, r => r.Row, StringComparer.Ordinal);
    }
}
