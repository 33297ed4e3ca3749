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
    IReadOnlyList<StatusCondition> Conditions)
{
    /// <summary>The conditions met.</summary>
    public IReadOnlyList<string> Flags => Conditions.Where(c => c.Met == true).Select(c => c.Id).ToList();
}

public sealed partial class ReferenceDatabase
{
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

        var imports = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = await Prepared("SELECT list, source, imported FROM imports WHERE id IN (SELECT MAX(id) FROM imports GROUP BY list)", null).ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                imports[reader.GetString(0)] = $"{reader.GetString(1)}, imported {reader.GetString(2)}";
            }
        }

        // One query per table for the whole batch, not one per IMEI.
        var keys = imeis.Select(i => ListParsers.Key(i.Trim())).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var tacs = keys.Select(k => k[..8]).Distinct(StringComparer.Ordinal).ToList();
        var facts = new Facts(
            await ByKeyAsync("SELECT tac, manufacturer, model, bands, allocation_date, device_type FROM tac WHERE tac IN ({0})", tacs, cancellationToken).ConfigureAwait(false),
            await ByKeyAsync("SELECT imei, raw, reporting_date, status, country, party, case_ref, make, model FROM stolen WHERE imei IN ({0})", keys, cancellationToken).ConfigureAwait(false),
            await ByKeyAsync("SELECT imei, make, model, status, model_number, brand_name, device_type, radio_interface, device_id FROM registration WHERE imei IN ({0})", keys, cancellationToken).ConfigureAwait(false),
            await ByKeyAsync("SELECT tac, manufacturer, model, certificate_id, conformity, lab, issued FROM certified_models WHERE tac IN ({0})", tacs, cancellationToken).ConfigureAwait(false),
            await ByKeyAsync("SELECT i.imei, r.record_id AS \"recordId\", r.report_id AS \"reportId\", r.lab, r.status, r.conformity, r.issued, r.model FROM records r JOIN record_imeis i ON i.record_id = r.record_id WHERE i.imei IN ({0}) AND NOT EXISTS (SELECT 1 FROM records a WHERE a.amends = r.record_id) ORDER BY r.issued", keys, cancellationToken).ConfigureAwait(false),
            imports);
        return imeis.Select(i => Status(i.Trim(), facts)).ToList();
    }

    private sealed record Facts(
        ILookup<string, IReadOnlyDictionary<string, string?>> Tac,
        ILookup<string, IReadOnlyDictionary<string, string?>> Stolen,
        ILookup<string, IReadOnlyDictionary<string, string?>> Registration,
        ILookup<string, IReadOnlyDictionary<string, string?>> Certified,
        ILookup<string, IReadOnlyDictionary<string, string?>> Records,
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
            return new ImeiStatus(imei, null, null, null, null, null, [], conditions);
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
        conditions.Add(new StatusCondition("duplicate", null, "not evaluated: no operator observations are held (Q.5052 duplicate detection needs them)"));

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
            certification is null ? $"no lab record certifies a model of TAC {tacCode}" : $"the model of TAC {tacCode} was found to '{certification["conformity"]}' by {certification["lab"]} on {certification["issued"]} (record {certification["certificate_id"]})"));

        // Lab records of this very IMEI: the newest of each amendment chain counts.
        var records = facts.Records[key].Select(r => (IReadOnlyDictionary<string, string?>)r.Where(p => p.Key != "imei").ToDictionary(p => p.Key, p => p.Value)).ToList();
        var failing = records.Where(r => r["conformity"] == "does not conform").ToList();
        conditions.Add(new StatusCondition("counterfeit-or-tampered", records.Count == 0 ? null : failing.Count > 0,
            records.Count == 0 ? "no lab has examined this device" : failing.Count > 0 ? $"{failing[0]["lab"]} found this device not to conform on {failing[0]["issued"]} (record {failing[0]["recordId"]})" : $"{records[^1]["lab"]} found this device to conform on {records[^1]["issued"]}"));
        return new ImeiStatus(imei, key, tac, certification, stolen, registration, records, conditions);
    }

    /// <summary>
    /// The rows whose first column is one of <paramref name="keys"/>, by that column. A few keys go
    /// in as parameters of a prepared statement; a batch goes in as one array parameter on
    /// PostgreSQL, and through a temporary table on SQLite (Microsoft.Data.Sqlite binds each
    /// parameter by name on every execution, which made a 1,000-key IN list the slow part).
    /// </summary>
    private async Task<ILookup<string, IReadOnlyDictionary<string, string?>>> ByKeyAsync(string sql, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var rows = new List<(string Key, IReadOnlyDictionary<string, string?> Row)>();
        IEnumerable<DbCommand> commands;
        if (keys.Count <= 8)
        {
            commands = [Prepared(string.Format(CultureInfo.InvariantCulture, sql, string.Join(", ", keys.Select((_, i) => "@k" + i))), null, [.. keys.Select((k, i) => ("k" + i, (object?)k))])];
        }
        else if (Engine == Engine.Postgres)
        {
            commands = [Prepared(sql.Replace("IN ({0})", "= ANY(@keys)", StringComparison.Ordinal), null, ("keys", keys.ToArray()))];
        }
        else
        {
            await ExecuteAsync("CREATE TEMP TABLE IF NOT EXISTS status_keys (k TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM status_keys;", cancellationToken).ConfigureAwait(false);
            await SqliteBulkInsertAsync("temp.status_keys", ["k"], keys.Distinct(StringComparer.Ordinal).Select(k => new object?[] { k }).ToList(), null!, null, cancellationToken).ConfigureAwait(false);
            commands = [Prepared(string.Format(CultureInfo.InvariantCulture, sql, "SELECT k FROM temp.status_keys"), null)];
        }

        foreach (var command in commands)
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                }

                rows.Add((row[reader.GetName(0)]!, row));
            }
        }

        return rows.ToLookup(r => r.Key, r => r.Row, StringComparer.Ordinal);
    }
}
