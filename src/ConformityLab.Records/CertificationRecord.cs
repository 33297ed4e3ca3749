using System.Text.Json.Serialization;

namespace ConformityLab.Records;

/// <summary>
/// The certification record: the report's machine-readable twin, which the reference database
/// ingests. It holds the essentials only; the report holds the rest. Its JSON is signed in
/// RFC 8785 canonical form (see <see cref="RecordEnvelope"/>).
/// </summary>
/// <param name="Schema">The record format, <see cref="SchemaId"/>.</param>
/// <param name="RecordId">Unique id of this record (a UUID, version 7).</param>
/// <param name="ReportId">The id of the report it is the twin of.</param>
/// <param name="Status"><c>issued</c>, <c>draft</c> (required lab facts were missing) or <c>amended</c> (it replaces an earlier report, §7.8.8).</param>
/// <param name="Amends">The record id of the report it amends, when amended.</param>
/// <param name="Amendment">What it amends and why, when amended.</param>
/// <param name="Device">The identity of the item tested.</param>
/// <param name="Cases">Every case: id, role, verdict and evidence hash.</param>
/// <param name="DecisionRule">The decision rule's id.</param>
/// <param name="Conformity"><c>conforms</c>, <c>does not conform</c> or <c>undetermined</c>.</param>
/// <param name="Lab">The lab and the key that signs for it.</param>
/// <param name="Run">The run it came from.</param>
/// <param name="Issued">The issue date and time (UTC, ISO 8601).</param>
/// <param name="PdfSha256">SHA-256 of the report PDF, hex.</param>
/// <param name="TranscriptSha256">SHA-256 of the device's byte transcript, hex.</param>
public sealed record CertificationRecord(
    string Schema,
    string RecordId,
    string ReportId,
    string Status,
    string? Amends,
    RecordAmendment? Amendment,
    RecordDevice Device,
    IReadOnlyList<RecordCase> Cases,
    string DecisionRule,
    string Conformity,
    RecordLab Lab,
    RecordRun Run,
    string Issued,
    string? PdfSha256,
    string? TranscriptSha256)
{
    /// <summary>The format id of this record's JSON.</summary>
    public const string SchemaId = "conformitylab.record/1";
}

/// <summary>The item tested, as read.</summary>
/// <param name="Imeis">Every IMEI, in slot order.</param>
/// <param name="ImeiSv">The IMEISV.</param>
/// <param name="Manufacturer">The manufacturer.</param>
/// <param name="Model">The model.</param>
/// <param name="Revision">The firmware or baseband revision.</param>
/// <param name="Tac">The type allocation code (the first 8 digits of the first IMEI).</param>
public sealed record RecordDevice(IReadOnlyList<string> Imeis, string? ImeiSv, string? Manufacturer, string? Model, string? Revision, string? Tac);

/// <summary>One case.</summary>
/// <param name="Id">The case id.</param>
/// <param name="Role"><c>normative</c> or <c>informative</c>.</param>
/// <param name="Verdict">The TTCN-3 verdict, or null when it did not run.</param>
/// <param name="EvidenceSha256">SHA-256 of its evidence lines.</param>
public sealed record RecordCase(string Id, string Role, string? Verdict, string? EvidenceSha256);

/// <summary>The lab.</summary>
/// <param name="Name">Its name.</param>
/// <param name="AccreditationId">Its accreditation id.</param>
/// <param name="KeyId">The id of the key that signs (SHA-256 of its SubjectPublicKeyInfo); null when unsigned.</param>
public sealed record RecordLab(string? Name, string? AccreditationId, string? KeyId);

/// <summary>The run.</summary>
/// <param name="RunId">The run id.</param>
/// <param name="Plan">The plan.</param>
/// <param name="Tool">The tool and its version.</param>
public sealed record RecordRun(string RunId, string Plan, string Tool);

/// <summary>An amendment (ISO/IEC 17025 §7.8.8).</summary>
/// <param name="OriginalReportId">The report it replaces.</param>
/// <param name="OriginalRecordSha256">SHA-256 of the original record file as it stood.</param>
/// <param name="Reason">Why.</param>
public sealed record RecordAmendment(string OriginalReportId, string OriginalRecordSha256, string Reason);

/// <summary>The signature block of the envelope.</summary>
/// <param name="Alg">Always <c>Ed25519</c>.</param>
/// <param name="KeyId">SHA-256 of the signer's SubjectPublicKeyInfo, hex.</param>
/// <param name="Value">The signature, base64.</param>
public sealed record RecordSignature(
    [property: JsonPropertyName("alg")] string Alg,
    [property: JsonPropertyName("keyId")] string KeyId,
    [property: JsonPropertyName("value")] string Value)
{
    /// <summary>The Ed25519 signature of <paramref name="message"/> by <paramref name="key"/>.</summary>
    public static RecordSignature Sign(LabSigningKey key, ReadOnlySpan<byte> message) => new("Ed25519", key.Public.KeyId, Convert.ToBase64String(key.Sign(message)));

    /// <summary>Whether this is an Ed25519 signature of <paramref name="message"/> by <paramref name="key"/> (a value that is not base64 is no signature).</summary>
    public bool Verifies(ReadOnlySpan<byte> message, LabPublicKey key)
    {
        if (Alg != "Ed25519")
        {
            return false;
        }

        var value = new byte[(Value.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(Value, value, out var written) && key.Verify(message, value.AsSpan(0, written));
    }
}
