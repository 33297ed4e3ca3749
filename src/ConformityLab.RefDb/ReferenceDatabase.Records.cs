using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using ConformityLab.Records;

namespace ConformityLab.RefDb;

/// <summary>A registered lab.</summary>
public sealed record LabRow(string Name, string KeyId, string PublicKeyPem, string? AccreditationId, DateOnly ValidFrom, DateOnly? ValidTo, DateOnly? RevokedFrom);

/// <summary>Why a record was refused.</summary>
public sealed class IngestRefusedException(string message) : Exception(message);

/// <summary>A record submitted with another lab's credentials.</summary>
public sealed class IngestForbiddenException(string message) : Exception(message);

/// <summary>What an ingest did with a record.</summary>
/// <param name="RecordId">The record.</param>
/// <param name="Stored">True when it was stored now; false when it was there already (ingest is idempotent).</param>
/// <param name="Lab">The lab whose key signed it.</param>
/// <param name="Supersedes">The record it amends, which it now supersedes.</param>
/// <param name="LeafIndex">Its leaf in the log.</param>
public sealed record IngestResult(string RecordId, bool Stored, string Lab, string? Supersedes, long LeafIndex);

public sealed partial class ReferenceDatabase
{
    /// <summary>Registers a lab's Ed25519 key (with its accreditation and validity), or updates it; logged.</summary>
    public async Task<LabRow> AddLabAsync(string name, LabPublicKey key, string? accreditationId, DateOnly validFrom, DateOnly? validTo, CancellationToken cancellationToken)
    {
        var row = new LabRow(name, key.KeyId, key.ToPem(), accreditationId, validFrom, validTo, null);
        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        var other = await ScalarAsync("SELECT name FROM labs WHERE key_id = @k AND name <> @n", cancellationToken, tx, ("k", key.KeyId), ("n", name)).ConfigureAwait(false);
        if (other is string owner)
        {
            throw new RefDbException($"the key {key.KeyId} is registered already, for the lab '{owner}'");
        }

        await ExecuteAsync(
            "INSERT INTO labs (name, key_id, public_key, accreditation_id, valid_from, valid_to, revoked_from) VALUES (@n, @k, @p, @a, @f, @t, NULL) ON CONFLICT (name) DO UPDATE SET key_id = excluded.key_id, public_key = excluded.public_key, accreditation_id = excluded.accreditation_id, valid_from = excluded.valid_from, valid_to = excluded.valid_to, revoked_from = NULL",
            cancellationToken, tx, ("n", name), ("k", key.KeyId), ("p", row.PublicKeyPem), ("a", accreditationId), ("f", Date(validFrom)), ("t", validTo is { } t ? Date(t) : null)).ConfigureAwait(false);
        await AppendLeafAsync("lab", name, LabEntry(row), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row;
    }

    /// <summary>Revokes a lab's key from a date: records it signed issued on or after that date are refused; logged.</summary>
    /// <exception cref="RefDbException">No such lab.</exception>
    public async Task<LabRow> RevokeLabAsync(string name, DateOnly from, CancellationToken cancellationToken)
    {
        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        if (await ExecuteAsync("UPDATE labs SET revoked_from = @r WHERE name = @n", cancellationToken, tx, ("r", Date(from)), ("n", name)).ConfigureAwait(false) == 0)
        {
            throw new RefDbException($"no lab '{name}' is registered (see 'db lab list')");
        }

        var row = (await LabsAsync(cancellationToken, tx).ConfigureAwait(false)).Single(l => l.Name == name);
        await AppendLeafAsync("lab", name, LabEntry(row), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row;
    }

    /// <summary>The registered labs.</summary>
    public async Task<IReadOnlyList<LabRow>> LabsAsync(CancellationToken cancellationToken, DbTransaction? tx = null) =>
        (await RowsAsync("SELECT name, key_id, public_key, accreditation_id, valid_from, valid_to, revoked_from FROM labs ORDER BY name", cancellationToken, tx).ConfigureAwait(false))
        .Select(r => new LabRow((string)r[0]!, (string)r[1]!, (string)r[2]!, r[3] as string, ParseDate((string)r[4]!), r[5] is string t ? ParseDate(t) : null, r[6] is string v ? ParseDate(v) : null)).ToList();

    /// <summary>
    /// Ingests a signed record: its canonical form, its signature against the registered lab keys,
    /// the key's validity and revocation at the issue date, and its status (a draft is refused).
    /// Stored with its IMEIs, it updates the certified model of its TAC; an amended record
    /// supersedes the one it amends, and both stay in the history. Ingesting it again changes nothing.
    /// </summary>
    /// <exception cref="IngestRefusedException">The record is refused; the message is one line that says why.</exception>
    /// <param name="envelopeText">The record file's text.</param>
    /// <param name="cancellationToken">Cancels the ingest.</param>
    /// <param name="asLab">When given, the lab whose credentials submit it: a record another lab's key signed is refused (<see cref="IngestForbiddenException"/>).</param>
    public async Task<IngestResult> IngestAsync(string envelopeText, CancellationToken cancellationToken, string? asLab = null)
    {
        RecordFile file;
        try
        {
            file = RecordFile.Parse(envelopeText);
        }
        catch (FormatException e)
        {
            throw new IngestRefusedException($"malformed: {e.Message}");
        }

        var record = file.Typed;
        if (file.Signature is not { } signature)
        {
            throw new IngestRefusedException($"record {record.RecordId} is unsigned: only records signed by a registered lab are ingested");
        }

        var lab = (await LabsAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(l => l.KeyId.Equals(signature.KeyId, StringComparison.OrdinalIgnoreCase))
            ?? throw new IngestRefusedException($"record {record.RecordId} is signed by the key {signature.KeyId}, which no registered lab holds ('db lab add' registers one)");
        if (asLab is not null && lab.Name != asLab)
        {
            throw new IngestForbiddenException($"record {record.RecordId} is signed by the key of '{lab.Name}', and the credentials given are those of '{asLab}': a lab submits only its own records");
        }

        byte[] value;
        try
        {
            value = Convert.FromBase64String(signature.Value);
        }
        catch (FormatException)
        {
            throw new IngestRefusedException($"record {record.RecordId}: the signature is not base64");
        }

        if (signature.Alg != "Ed25519" || !LabPublicKey.FromPem(lab.PublicKeyPem).Verify(file.Canonical, value))
        {
            throw new IngestRefusedException($"record {record.RecordId} is forged or changed: its signature does not match its canonical bytes under the key of '{lab.Name}'");
        }

        if (!DateTimeOffset.TryParse(record.Issued, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var issued))
        {
            throw new IngestRefusedException($"record {record.RecordId}: the issue date '{record.Issued}' is not a date");
        }

        var day = DateOnly.FromDateTime(issued.UtcDateTime);
        if (lab.RevokedFrom is { } revoked && day >= revoked)
        {
            throw new IngestRefusedException($"record {record.RecordId} was issued on {Date(day)}, after the key of '{lab.Name}' was revoked from {Date(revoked)}");
        }

        if (day < lab.ValidFrom || (lab.ValidTo is { } until && day > until))
        {
            throw new IngestRefusedException($"record {record.RecordId} was issued on {Date(day)}, outside the validity of the key of '{lab.Name}' ({Date(lab.ValidFrom)} to {(lab.ValidTo is { } t ? Date(t) : "open")})");
        }

        if (record.Status == "draft")
        {
            throw new IngestRefusedException($"record {record.RecordId} is a draft (the lab had not set all of its facts): only issued and amended records are ingested");
        }

        var canonicalSha = Convert.ToHexStringLower(SHA256.HashData(file.Canonical));
        await using var tx = await BeginAsync(cancellationToken).ConfigureAwait(false);
        if (await ScalarAsync("SELECT canonical_sha256 FROM records WHERE record_id = @r", cancellationToken, tx, ("r", record.RecordId)).ConfigureAwait(false) is string existing)
        {
            if (existing != canonicalSha)
            {
                throw new IngestRefusedException($"record {record.RecordId} is stored already with other content: a record id names one record");
            }

            var leafIndex = Convert.ToInt64(await ScalarAsync("SELECT MIN(idx) FROM log_leaves WHERE kind = 'record' AND ref = @r", cancellationToken, tx, ("r", record.RecordId)).ConfigureAwait(false), CultureInfo.InvariantCulture);
            return new IngestResult(record.RecordId, false, lab.Name, record.Amends, leafIndex);
        }

        if (record.Amends is { } amends && await ScalarAsync("SELECT record_id FROM records WHERE record_id = @r", cancellationToken, tx, ("r", amends)).ConfigureAwait(false) is null)
        {
            throw new IngestRefusedException($"record {record.RecordId} amends {amends}, which is not in the database: ingest the original first");
        }

        var row = new StoredRecord(record.RecordId, record.ReportId, lab.Name, record.Status, record.Amends, record.Conformity, record.Device.Tac, record.Device.Manufacturer, record.Device.Model, record.Issued, canonicalSha);
        await ExecuteAsync(
            "INSERT INTO records (record_id, report_id, lab, status, amends, conformity, tac, manufacturer, model, issued, ingested, canonical_sha256, envelope) VALUES (@id, @rep, @lab, @st, @am, @c, @tac, @man, @mod, @iss, @ing, @sha, @env)",
            cancellationToken, tx, ("id", row.RecordId), ("rep", row.ReportId), ("lab", row.Lab), ("st", row.Status), ("am", row.Amends), ("c", row.Conformity), ("tac", row.Tac), ("man", row.Manufacturer), ("mod", row.Model), ("iss", row.Issued), ("ing", Now()), ("sha", row.CanonicalSha256), ("env", envelopeText)).ConfigureAwait(false);
        foreach (var imei in record.Device.Imeis.Select(i => ListParsers.Key(i) ?? i).Distinct(StringComparer.Ordinal))
        {
            await ExecuteAsync("INSERT INTO record_imeis (imei, record_id) VALUES (@i, @r)", cancellationToken, tx, ("i", imei), ("r", record.RecordId)).ConfigureAwait(false);
        }

        if (record.Device.Tac is { } tac)
        {
            // The newest record of a TAC's model is its certification; an amendment replaces what it amends.
            await ExecuteAsync(
                "INSERT INTO certified_models (tac, manufacturer, model, certificate_id, conformity, lab, issued) VALUES (@t, @man, @mod, @id, @c, @lab, @iss) ON CONFLICT (tac) DO UPDATE SET manufacturer = excluded.manufacturer, model = excluded.model, certificate_id = excluded.certificate_id, conformity = excluded.conformity, lab = excluded.lab, issued = excluded.issued WHERE excluded.issued >= certified_models.issued OR certified_models.certificate_id = @am",
                cancellationToken, tx, ("t", tac), ("man", record.Device.Manufacturer), ("mod", record.Device.Model), ("id", record.RecordId), ("c", record.Conformity), ("lab", lab.Name), ("iss", record.Issued), ("am", record.Amends ?? string.Empty)).ConfigureAwait(false);
        }

        var leaf = await AppendLeafAsync("record", record.RecordId, RecordEntry(row), tx, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new IngestResult(record.RecordId, true, lab.Name, record.Amends, leaf);
    }

    internal static byte[] LabEntry(LabRow lab) => Entry(new { Kind = "lab", lab.Name, lab.KeyId, PublicKey = lab.PublicKeyPem, lab.AccreditationId, ValidFrom = Date(lab.ValidFrom), ValidTo = lab.ValidTo is { } t ? Date(t) : null, RevokedFrom = lab.RevokedFrom is { } r ? Date(r) : null });

    internal static byte[] RecordEntry(StoredRecord r) => Entry(new { Kind = "record", r.RecordId, r.ReportId, r.Lab, r.Status, r.Amends, r.Conformity, r.Tac, r.Manufacturer, r.Model, r.Issued, r.CanonicalSha256 });

    internal static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static DateOnly ParseDate(string text) => DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A stored record's row, as the log holds it.</summary>
    internal sealed record StoredRecord(string RecordId, string ReportId, string Lab, string Status, string? Amends, string Conformity, string? Tac, string? Manufacturer, string? Model, string Issued, string CanonicalSha256);
}
