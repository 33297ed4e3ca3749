using System.Text;
using System.Text.Json.Nodes;
using ConformityLab.Records;

namespace ConformityLab.Records.Tests;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class RecordSigningTests
{
    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cl-record-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    internal static CertificationRecord Sample(string? pdf = null, string? transcript = null, string? keyId = null) => new(
        CertificationRecord.SchemaId,
        "0193a5c2-7b1e-7c3d-9f00-0123456789ab",
        "R-20261202T000000Z-abcd1234-EC25-4563",
        "issued",
        null,
        null,
        new RecordDevice(["861700031234563"], "8617000312345601", "Quectel", "EC25", "EC25EFAR06A06M4G", "86170003"),
        [new RecordCase("IDN-001", "normative", "pass", new string('a', 64)), new RecordCase("INT-007", "informative", null, null)],
        "normative-cases-simple-acceptance",
        "conforms",
        new RecordLab("Lab «Ω» 東京", null, keyId),
        new RecordRun("20261202T000000Z-abcd1234", "certification", "ConformityLab 0.1.0"),
        "2026-12-02T00:00:00Z",
        pdf,
        transcript);

    private (LabSigningKey Key, string PublicPath) NewKey()
    {
        var key = LabSigningKey.Create();
        var (_, pub) = LabKeyFiles.Write(key, _dir, "lab");
        return (key, pub);
    }

    private async Task<string> WriteSignedAsync(LabSigningKey key, bool withFiles)
    {
        string? pdf = null, transcript = null;
        if (withFiles)
        {
            await File.WriteAllTextAsync(Path.Combine(_dir, RecordVerifier.ReportFileName), "%PDF-1.4 not really\n");
            await File.WriteAllTextAsync(Path.Combine(_dir, RecordVerifier.TranscriptFileName), "{\"dir\":\"tx\"}\n");
            pdf = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_dir, RecordVerifier.ReportFileName))));
            transcript = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(_dir, RecordVerifier.TranscriptFileName))));
        }

        var path = Path.Combine(_dir, RecordEnvelope.FileName);
        await File.WriteAllTextAsync(path, RecordEnvelope.Write(Sample(pdf, transcript, key.Public.KeyId), key));
        return path;
    }

    [Test]
    public async Task SignedRecord_Verifies_AndNamesEachCheck()
    {
        var (key, pub) = NewKey();
        var path = await WriteSignedAsync(key, withFiles: true);
        var result = await RecordVerifier.VerifyAsync(path, LabKeyFiles.ReadPublic(pub), CancellationToken.None);
        Assert.That(result.Verified, Is.True);
        Assert.That(result.Checks.Select(c => (c.Name, c.Ok)), Is.EqualTo(new[] { ("signature", (bool?)true), ("pdf", true), ("transcript", true) }));
    }

    [TestCase("record", "signature")]
    [TestCase("pdf", "pdf")]
    [TestCase("transcript", "transcript")]
    public async Task OneByteChanged_FailsVerification_NamingWhat(string what, string failing)
    {
        var (key, pub) = NewKey();
        var path = await WriteSignedAsync(key, withFiles: true);
        var target = what switch
        {
            "record" => path,
            "pdf" => Path.Combine(_dir, RecordVerifier.ReportFileName),
            _ => Path.Combine(_dir, RecordVerifier.TranscriptFileName),
        };
        var bytes = await File.ReadAllBytesAsync(target);
        // In the record, change one digit of the IMEI; elsewhere, flip one byte.
        var at = what == "record" ? Encoding.UTF8.GetString(bytes).IndexOf("861700031234563", StringComparison.Ordinal) + 14 : bytes.Length / 2;
        bytes[at] = what == "record" ? (byte)(bytes[at] == (byte)'3' ? '4' : '3') : (byte)(bytes[at] ^ 0x01);
        await File.WriteAllBytesAsync(target, bytes);

        var result = await RecordVerifier.VerifyAsync(path, LabKeyFiles.ReadPublic(pub), CancellationToken.None);
        Assert.That(result.Verified, Is.False);
        Assert.That(result.Checks.Where(c => c.Ok == false).Select(c => c.Name), Is.EqualTo(new[] { failing }));
    }

    [Test]
    public async Task Reformatting_TheRecord_KeepsItsSignature()
    {
        // The signature covers the canonical bytes, not the file's layout: re-indenting or reordering keeps it valid.
        var (key, pub) = NewKey();
        var path = await WriteSignedAsync(key, withFiles: false);
        var node = JsonNode.Parse(await File.ReadAllTextAsync(path))!.AsObject();
        var record = node["record"]!.AsObject();
        var reordered = new JsonObject(record.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));
        node["record"] = reordered;
        await File.WriteAllTextAsync(path, node.ToJsonString());
        var result = await RecordVerifier.VerifyAsync(path, LabKeyFiles.ReadPublic(pub), CancellationToken.None);
        Assert.That(result.Checks.Single(c => c.Name == "signature").Ok, Is.True);
    }

    [Test]
    public async Task AnotherLabsKey_IsRefusedAsTheWrongKey()
    {
        var (key, _) = NewKey();
        var path = await WriteSignedAsync(key, withFiles: false);
        var other = LabSigningKey.Create().Public;
        Assert.That(async () => await RecordVerifier.VerifyAsync(path, other, CancellationToken.None),
            Throws.InstanceOf<RecordKeyException>().With.Message.Contains(other.KeyId));
    }

    [TestCase("")]
    [TestCase("{\"record\": {\"schema\": \"conformitylab.record/1\"")]
    [TestCase("[1,2,3]")]
    [TestCase("{\"record\": {\"a\": 1, \"a\": 2}, \"signature\": null}")]
    [TestCase("{\"record\": {\"schema\": \"other/9\"}, \"signature\": null}")]
    public void MalformedRecord_IsAFormatError(string text) =>
        Assert.That(() => RecordFile.Parse(text), Throws.InstanceOf<FormatException>());

    [Test]
    public void KeyFiles_PrivateIsOwnerOnly_AndNeverOverwritten()
    {
        var key = LabSigningKey.Create();
        var (priv, pub) = LabKeyFiles.Write(key, _dir, "lab");
        Assert.That(File.GetUnixFileMode(priv), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(LabKeyFiles.ReadPrivate(priv).Public.KeyId, Is.EqualTo(LabKeyFiles.ReadPublic(pub).KeyId));
        Assert.That(() => LabKeyFiles.Write(key, _dir, "lab"), Throws.InstanceOf<IOException>());
        Assert.That(() => LabKeyFiles.ReadPublic(priv), Throws.InstanceOf<FormatException>().With.Message.Contains("PRIVATE KEY"));
    }

    [Test]
    public void NotEd25519_IsRefused()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var pem = rsa.ExportSubjectPublicKeyInfoPem();
        Assert.That(() => LabPublicKey.FromPem(pem), Throws.InstanceOf<FormatException>().With.Message.Contains("not Ed25519"));
    }

    [Test]
    public void QrDigest_IgnoresOnlyThePdfHash()
    {
        var a = RecordEnvelope.QrDigest(Sample(pdf: new string('1', 64)));
        Assert.That(RecordEnvelope.QrDigest(Sample(pdf: new string('2', 64))), Is.EqualTo(a));
        Assert.That(RecordEnvelope.QrDigest(Sample(pdf: new string('1', 64), transcript: new string('3', 64))), Is.Not.EqualTo(a));
    }

    /// <summary>Interoperability: OpenSSL, which we did not write, accepts our key, our canonical bytes and our signature.</summary>
    [Test]
    public async Task OpenSsl_VerifiesTheSignature_AndTheKeyId()
    {
        var (key, pub) = NewKey();
        var path = await WriteSignedAsync(key, withFiles: false);
        var file = RecordFile.Parse(await File.ReadAllTextAsync(path));
        var message = Path.Combine(_dir, "record.jcs");
        var signature = Path.Combine(_dir, "record.sig");
        await File.WriteAllBytesAsync(message, file.Canonical);
        await File.WriteAllBytesAsync(signature, Convert.FromBase64String(file.Signature!.Value));

        var (code, output) = await RunAsync("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", message, "-sigfile", signature);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("Signature Verified Successfully"));

        // The private key file is one OpenSSL reads, and the key id is SHA-256 of the DER SubjectPublicKeyInfo.
        var der = Path.Combine(_dir, "lab.der");
        (code, output) = await RunAsync("openssl", "pkey", "-in", Path.Combine(_dir, "lab.key"), "-pubout", "-outform", "DER", "-out", der);
        Assert.That(code, Is.Zero, output);
        Assert.That(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(await File.ReadAllBytesAsync(der))), Is.EqualTo(file.Signature.KeyId));

        // And a changed message is refused by OpenSSL too.
        var changed = file.Canonical.ToArray();
        changed[^2] ^= 0x01;
        await File.WriteAllBytesAsync(message, changed);
        (code, _) = await RunAsync("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", message, "-sigfile", signature);
        Assert.That(code, Is.Not.Zero);
    }

    /// <summary>And the other way: a key OpenSSL made signs records that we verify.</summary>
    [Test]
    public async Task OpenSslKey_SignsRecords_WeVerify()
    {
        var keyPath = Path.Combine(_dir, "openssl.key");
        var (code, output) = await RunAsync("openssl", "genpkey", "-algorithm", "ed25519", "-out", keyPath);
        Assert.That(code, Is.Zero, output);
        var key = LabKeyFiles.ReadPrivate(keyPath);
        var path = Path.Combine(_dir, RecordEnvelope.FileName);
        await File.WriteAllTextAsync(path, RecordEnvelope.Write(Sample(keyId: key.Public.KeyId), key));
        var result = await RecordVerifier.VerifyAsync(path, key.Public, CancellationToken.None);
        Assert.That(result.Checks.Single(c => c.Name == "signature").Ok, Is.True);
    }

    internal static Task<(int Code, string Output)> RunAsync(string file, params string[] args) => TestSupport.Processes.RunAsync(file, args);
}
