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

        var imports = (await RowsAsync("SELECT list, source, imported FROM imports WHERE id IN (SELECT MAX(id) FROM imports GROUP BY list)", cancellationToken).ConfigureAwait(false))
            .ToDictionary(r => (string)r[0]!, r => $"{r[1]}, imported {r[2]}");
        var statuses = new List<ImeiStatus>();
        foreach (var imei in imeis)
        {
            statuses.Add(await StatusAsync(imei.Trim(), imports, cancellationToken).ConfigureAwait(false));
        }

        return statuses;
    }

    private async Task<ImeiStatus> StatusAsync(string imei, Dictionary<string, string> imports, CancellationToken cancellationToken)
    {
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
        var tac = await OneAsync("SELECT tac, manufacturer, model, bands, allocation_date, device_type FROM tac WHERE tac = @k", tacCode, cancellationToken).ConfigureAwait(false);
        conditions.Add(imports.TryGetValue("tac", out var tacSource)
            ? new StatusCondition("tac-not-allocated", tac is null, tac is null ? $"TAC {tacCode} is not in the GSMA TAC database ({tacSource})" : $"TAC {tacCode} is allocated to {tac["manufacturer"]} for {tac["model"]} ({tacSource})")
            : new StatusCondition("tac-not-allocated", null, "no GSMA TAC database has been imported"));
        var test = ImeiRules.TestTac(key);
        conditions.Add(new StatusCondition("test-tac", !test.Ok, test.Reason));
        var placeholder = ImeiRules.Placeholder(imei.Length == 15 ? imei : key);
        conditions.Add(new StatusCondition("placeholder", !placeholder.Ok, placeholder.Reason));
        conditions.Add(new StatusCondition("duplicate", null, "not evaluated: no operator observations are held (Q.5052 duplicate detection needs them)"));

        var stolen = await OneAsync("SELECT imei, raw, reporting_date, status, country, party, case_ref, make, model FROM stolen WHERE imei = @k", key, cancellationToken).ConfigureAwait(false);
        conditions.Add(imports.TryGetValue("stolen", out var stolenSource)
            ? new StatusCondition("stolen", stolen is not null, stolen is null ? $"not on the stolen or lost list ({stolenSource})" : $"reported {stolen["status"] ?? "stolen"} on {stolen["reporting_date"] ?? "an unknown date"}{(stolen["country"] is { } c ? " in " + c : string.Empty)} ({stolenSource})")
            : new StatusCondition("stolen", null, "no stolen or lost list has been imported"));

        var registration = await OneAsync("SELECT imei, make, model, status, model_number, brand_name, device_type, radio_interface, device_id FROM registration WHERE imei = @k", key, cancellationToken).ConfigureAwait(false);
        conditions.Add(imports.TryGetValue("registration", out var regSource)
            ? new StatusCondition("not-registered", registration is null, registration is null ? $"not on the registration list ({regSource})" : $"registered as {registration["make"]} {registration["model"]}, status {registration["status"]} ({regSource})")
            : new StatusCondition("not-registered", null, "no registration list has been imported"));

        var certification = await OneAsync("SELECT tac, manufacturer, model, certificate_id, conformity, lab, issued FROM certified_models WHERE tac = @k", tacCode, cancellationToken).ConfigureAwait(false);
        conditions.Add(new StatusCondition("not-certified", certification is null || certification["conformity"] != "conforms",
            certification is null ? $"no lab record certifies a model of TAC {tacCode}" : $"the model of TAC {tacCode} was found to '{certification["conformity"]}' by {certification["lab"]} on {certification["issued"]} (record {certification["certificate_id"]})"));

        // Lab records of this very IMEI: the newest of each amendment chain counts.
        var records = (await RowsAsync(
            "SELECT r.record_id, r.report_id, r.lab, r.status, r.conformity, r.issued, r.model FROM records r JOIN record_imeis i ON i.record_id = r.record_id WHERE i.imei = @k AND NOT EXISTS (SELECT 1 FROM records a WHERE a.amends = r.record_id) ORDER BY r.issued",
            cancellationToken, null, ("k", key)).ConfigureAwait(false))
            .Select(r => (IReadOnlyDictionary<string, string?>)new Dictionary<string, string?> { ["recordId"] = (string?)r[0], ["reportId"] = (string?)r[1], ["lab"] = (string?)r[2], ["status"] = (string?)r[3], ["conformity"] = (string?)r[4], ["issued"] = (string?)r[5], ["model"] = (string?)r[6] })
            .ToList();
        var failing = records.Where(r => r["conformity"] == "does not conform").ToList();
        conditions.Add(new StatusCondition("counterfeit-or-tampered", records.Count == 0 ? null : failing.Count > 0,
            records.Count == 0 ? "no lab has examined this device" : failing.Count > 0 ? $"{failing[0]["lab"]} found this device not to conform on {failing[0]["issued"]} (record {failing[0]["recordId"]})" : $"{records[^1]["lab"]} found this device to conform on {records[^1]["issued"]}"));
        return new ImeiStatus(imei, key, tac, certification, stolen, registration, records, conditions);
    }

    private async Task<IReadOnlyDictionary<string, string?>?> OneAsync(string sql, string key, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, null, ("k", key));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var row = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            row[reader.GetName(i)] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
        }

        return row;
    }
}
