using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ConformityLab.Records;

/// <summary>
/// <c>record.json</c>: <c>{"record": {...}, "signature": {"alg": "Ed25519", "keyId": "...", "value": "..."}}</c>.
/// The signature covers the RFC 8785 canonical bytes of <c>record</c> exactly as it stands in the
/// file, so any verifier can recompute them. An unsigned record has <c>"signature": null</c>.
/// </summary>
public static class RecordEnvelope
{
    /// <summary>The file name beside each report.</summary>
    public const string FileName = "record.json";

    /// <summary>The JSON options of a record: camelCase, nulls kept, no HTML escaping.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The canonical bytes of a record, which the signature covers.</summary>
    public static byte[] CanonicalBytes(CertificationRecord record) => Jcs.Canonicalize(JsonSerializer.SerializeToElement(record, Options));

    /// <summary>
    /// The digest the report's QR code carries: SHA-256, hex, of the canonical bytes of the record
    /// without its <c>pdfSha256</c> member. The PDF cannot hold the hash of a record that holds the
    /// PDF's own hash, so this digest binds everything else, and the signed record binds the PDF.
    /// </summary>
    public static string QrDigest(CertificationRecord record) => QrDigest(JsonSerializer.SerializeToElement(record, Options));

    /// <summary>The QR digest of a record as it stands in a file (see <see cref="QrDigest(CertificationRecord)"/>).</summary>
    /// <exception cref="FormatException">The record is not I-JSON.</exception>
    public static string QrDigest(JsonElement record)
    {
        var node = JsonNode.Parse(record.GetRawText())!.AsObject();
        node.Remove("pdfSha256");
        return Convert.ToHexStringLower(SHA256.HashData(Jcs.Canonicalize(JsonSerializer.SerializeToElement(node))));
    }

    /// <summary>The envelope's text, signed with <paramref name="key"/>, or unsigned when it is null.</summary>
    public static string Write(CertificationRecord record, LabSigningKey? key)
    {
        var signature = key is null ? null : RecordSignature.Sign(key, CanonicalBytes(record));
        return JsonSerializer.Serialize(new { record, signature }, Options) + "\n";
    }
}

/// <summary>A record file as read: the record's element, its canonical bytes and the signature block.</summary>
/// <param name="Record">The <c>record</c> member as it stands in the file.</param>
/// <param name="Canonical">Its RFC 8785 bytes.</param>
/// <param name="Signature">The signature block, or null when unsigned.</param>
/// <param name="Typed">The record as the lab's type, for its fields.</param>
public sealed record RecordFile(JsonElement Record, byte[] Canonical, RecordSignature? Signature, CertificationRecord Typed)
{
    /// <summary>Reads and checks the form of a record file.</summary>
    /// <exception cref="FormatException">The file is not a record envelope: truncated, not JSON, not I-JSON, or a member is missing; the message says what and where.</exception>
    public static RecordFile Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { AllowDuplicateProperties = false });
        }
        catch (JsonException e)
        {
            throw new FormatException($"not a JSON document ({(e.LineNumber is { } line ? $"line {line + 1}: " : string.Empty)}{FirstSentence(e.Message)})", e);
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("record", out var record) || record.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("not a record envelope: no 'record' object at the top level");
        }

        byte[] canonical;
        try
        {
            canonical = Jcs.Canonicalize(record);
        }
        catch (FormatException e)
        {
            throw new FormatException($"canonical form: the record has none ({e.Message}), so no signature over it can be checked", e);
        }
        RecordSignature? signature = null;
        if (root.TryGetProperty("signature", out var sig) && sig.ValueKind != JsonValueKind.Null)
        {
            signature = sig.ValueKind == JsonValueKind.Object
                && sig.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String
                && sig.TryGetProperty("keyId", out var keyId) && keyId.ValueKind == JsonValueKind.String
                && sig.TryGetProperty("value", out var value) && value.ValueKind == JsonValueKind.String
                ? new RecordSignature(alg.GetString()!, keyId.GetString()!, value.GetString()!)
                : throw new FormatException("the 'signature' block needs 'alg', 'keyId' and 'value' strings");
        }

        CertificationRecord typed;
        try
        {
            typed = record.Deserialize<CertificationRecord>(RecordEnvelope.Options) ?? throw new FormatException("the record is null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"the record does not have the {CertificationRecord.SchemaId} form: {FirstSentence(e.Message)}", e);
        }

        if (typed.Schema != CertificationRecord.SchemaId || typed.RecordId is null || typed.Device is null || typed.Cases is null)
        {
            throw new FormatException($"the record does not have the {CertificationRecord.SchemaId} form (schema '{typed.Schema}')");
        }

        return new RecordFile(record.Clone(), canonical, signature, typed);
    }

    private static string FirstSentence(string message) => message.Split(". ", 2)[0].TrimEnd('.');
}

/// <summary>Checks a record file: its signature against a lab key, and the PDF and transcript beside it against their hashes.</summary>
public static class RecordVerifier
{
    /// <summary>The transcript's file name beside the record.</summary>
    public const string TranscriptFileName = "transcript.jsonl";

    /// <summary>The report's file name beside the record.</summary>
    public const string ReportFileName = "report.pdf";

    /// <summary>Verifies <paramref name="recordPath"/> with <paramref name="key"/>.</summary>
    /// <exception cref="FormatException">The record file is malformed (see <see cref="RecordFile.Parse"/>).</exception>
    /// <exception cref="RecordKeyException">The record is unsigned, or signed by another key than <paramref name="key"/>: it cannot be checked with it.</exception>
    public static async Task<RecordVerification> VerifyAsync(string recordPath, LabPublicKey key, CancellationToken cancellationToken)
    {
        var file = RecordFile.Parse(await File.ReadAllTextAsync(recordPath, cancellationToken).ConfigureAwait(false));
        if (file.Signature is not { } signature)
        {
            throw new RecordKeyException("the record is not signed (it was written without a lab key)");
        }

        if (!signature.Alg.Equals("Ed25519", StringComparison.Ordinal))
        {
            throw new RecordKeyException($"the record is signed with '{signature.Alg}', and only Ed25519 is known");
        }

        if (!signature.KeyId.Equals(key.KeyId, StringComparison.OrdinalIgnoreCase))
        {
            throw new RecordKeyException($"the record names the key {signature.KeyId}, but the given key is {key.KeyId}");
        }

        var checks = new List<RecordCheck>();
        byte[]? value = null;
        try
        {
            value = Convert.FromBase64String(signature.Value);
        }
        catch (FormatException)
        {
            // reported below as a signature that does not match
        }

        checks.Add(value is not null && key.Verify(file.Canonical, value)
            ? new RecordCheck("signature", true, $"Ed25519, key {key.KeyId[..16]}…, over the {file.Canonical.Length} canonical bytes of the record")
            : new RecordCheck("signature", false, "the signature does not match the record's canonical bytes: the record or the signature was changed"));

        var folder = Path.GetDirectoryName(Path.GetFullPath(recordPath))!;
        checks.Add(await FileCheckAsync("pdf", Path.Combine(folder, ReportFileName), file.Typed.PdfSha256, cancellationToken).ConfigureAwait(false));
        checks.Add(await FileCheckAsync("transcript", Path.Combine(folder, TranscriptFileName), file.Typed.TranscriptSha256, cancellationToken).ConfigureAwait(false));
        return new RecordVerification(file.Typed, checks);
    }

    private static async Task<RecordCheck> FileCheckAsync(string name, string path, string? expected, CancellationToken cancellationToken)
    {
        var file = Path.GetFileName(path);
        if (expected is null)
        {
            return new RecordCheck(name, null, $"the record holds no hash of a {name}");
        }

        if (!File.Exists(path))
        {
            return new RecordCheck(name, null, $"not checked: no {file} beside the record");
        }

        await using var stream = File.OpenRead(path);
        var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        return actual.Equals(expected, StringComparison.OrdinalIgnoreCase)
            ? new RecordCheck(name, true, $"{file} has the SHA-256 the record signs ({actual[..16]}…)")
            : new RecordCheck(name, false, $"{file} has SHA-256 {actual}, but the record says {expected}: the file was changed");
    }
}

/// <summary>The record cannot be checked with the given key.</summary>
public sealed class RecordKeyException(string message) : Exception(message);

/// <summary>One check of a verification.</summary>
/// <param name="Name"><c>signature</c>, <c>pdf</c> or <c>transcript</c>.</param>
/// <param name="Ok">True when it matches, false when it does not, null when it could not be checked (the file is not there).</param>
/// <param name="Detail">One line.</param>
public sealed record RecordCheck(string Name, bool? Ok, string Detail);

/// <summary>The outcome of verifying a record.</summary>
/// <param name="Record">The record.</param>
/// <param name="Checks">Each check.</param>
public sealed record RecordVerification(CertificationRecord Record, IReadOnlyList<RecordCheck> Checks)
{
    /// <summary>True when nothing that was checked failed.</summary>
    public bool Verified => Checks.All(c => c.Ok != false);
}
