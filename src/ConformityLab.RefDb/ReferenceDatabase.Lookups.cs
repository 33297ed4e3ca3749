using System.Globalization;
using System.Security.Cryptography;
using ConformityLab.Records;

namespace ConformityLab.RefDb;

/// <summary>A stored record and what the database can say about it now.</summary>
/// <param name="RecordId">The record's id.</param>
/// <param name="Envelope">The signed envelope, exactly as ingested.</param>
/// <param name="Lab">The lab whose key signed it.</param>
/// <param name="Status">issued or amended.</param>
/// <param name="Conformity">The record's statement of conformity.</param>
/// <param name="Manufacturer">The device's manufacturer as the lab read it.</param>
/// <param name="Model">The device's model as the lab read it.</param>
/// <param name="Tac">The device's TAC.</param>
/// <param name="Issued">When the lab issued it.</param>
/// <param name="Ingested">When the database took it in.</param>
/// <param name="SignatureValid">Whether its signature verifies now, under the lab's registered key.</param>
/// <param name="LabRevokedFrom">When the lab's key was revoked, if it was.</param>
/// <param name="QrDigest">The digest its report's QR code carries (SHA-256 of the canonical record without the PDF's hash).</param>
/// <param name="LeafIndex">Its leaf in the log.</param>
/// <param name="SupersededBy">The record that amends it, if one does.</param>
public sealed record RecordLookup(
    string RecordId,
    string Envelope,
    string Lab,
    string Status,
    string Conformity,
    string? Manufacturer,
    string? Model,
    string? Tac,
    string Issued,
    string Ingested,
    bool SignatureValid,
    string? LabRevokedFrom,
    string QrDigest,
    long? LeafIndex,
    string? SupersededBy);

public sealed partial class ReferenceDatabase
{
    /// <summary>A TAC's record in the GSMA TAC database, or null.</summary>
    public async Task<IReadOnlyDictionary<string, string?>?> TacAsync(string tac, CancellationToken cancellationToken) =>
        (await ByKeyAsync([(TacByKey, [tac])], cancellationToken).ConfigureAwait(false))[0][tac].FirstOrDefault();

    /// <summary>The certified model of a TAC (the newest lab record of it), or null.</summary>
    public async Task<IReadOnlyDictionary<string, string?>?> CertifiedModelAsync(string tac, CancellationToken cancellationToken) =>
        (await ByKeyAsync([(CertifiedByKey, [tac])], cancellationToken).ConfigureAwait(false))[0][tac].FirstOrDefault();

    /// <summary>A stored record with its verification as it stands now, or null when no record has that id.</summary>
    public async Task<RecordLookup?> RecordAsync(string recordId, CancellationToken cancellationToken)
    {
        var row = (await RowsAsync(
            "SELECT r.record_id, r.envelope, r.lab, r.status, r.conformity, r.manufacturer, r.model, r.tac, r.issued, r.ingested, l.public_key, l.revoked_from, (SELECT MIN(idx) FROM log_leaves WHERE kind = 'record' AND ref = r.record_id), (SELECT MIN(a.record_id) FROM records a WHERE a.amends = r.record_id) FROM records r JOIN labs l ON l.name = r.lab WHERE r.record_id = @r",
            cancellationToken,
            null,
            ("r", recordId)).ConfigureAwait(false)).FirstOrDefault();
        if (row is null)
        {
            return null;
        }

        var envelope = (string)row[1]!;
        var file = RecordFile.Parse(envelope);
        var valid = file.Signature?.Verifies(file.Canonical, LabPublicKey.FromPem((string)row[10]!)) == true;
        return new RecordLookup(
            (string)row[0]!, envelope, (string)row[2]!, (string)row[3]!, (string)row[4]!, row[5] as string, row[6] as string, row[7] as string, (string)row[8]!, (string)row[9]!,
            valid, row[11] as string, RecordEnvelope.QrDigest(file.Record), row[12] is null ? null : Convert.ToInt64(row[12], CultureInfo.InvariantCulture), row[13] as string);
    }

    /// <summary>
    /// The newest signed checkpoint when it covers the whole log; otherwise a new one is signed and
    /// stored. Asking twice for an unchanged log writes nothing.
    /// </summary>
    public async Task<string> LatestCheckpointAsync(CancellationToken cancellationToken)
    {
        var size = await LogSizeAsync(cancellationToken).ConfigureAwait(false);
        return await ScalarAsync("SELECT note FROM checkpoints WHERE size = @s", cancellationToken, null, ("s", size)).ConfigureAwait(false) as string
            ?? await CheckpointAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Creates an API token for a registered lab's ingest requests. Only its SHA-256 is stored: the
    /// token is shown once, here.
    /// </summary>
    /// <exception cref="RefDbException">No such lab.</exception>
    public async Task<string> CreateLabTokenAsync(string lab, CancellationToken cancellationToken)
    {
        if ((await LabsAsync(cancellationToken).ConfigureAwait(false)).All(l => l.Name != lab))
        {
            throw new RefDbException($"no lab '{lab}' is registered ('db lab list' names them; 'db lab add' registers one)");
        }

        var token = "cl_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await ExecuteAsync("INSERT INTO lab_tokens (token_sha256, lab, created) VALUES (@h, @l, @c)", cancellationToken, null, ("h", TokenHash(token)), ("l", lab), ("c", Now())).ConfigureAwait(false);
        return token;
    }

    /// <summary>The lab an API token belongs to, or null when it is no lab's (or the lab's key is revoked).</summary>
    public async Task<string?> LabOfTokenAsync(string token, CancellationToken cancellationToken) =>
        await ScalarAsync("SELECT t.lab FROM lab_tokens t JOIN labs l ON l.name = t.lab WHERE t.token_sha256 = @h AND (l.revoked_from IS NULL OR l.revoked_from > @today)", cancellationToken, null, ("h", TokenHash(token)), ("today", Now()[..10])).ConfigureAwait(false) as string;

    private static string TokenHash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
