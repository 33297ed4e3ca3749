using System.Text.Json;
using ConformityLab.Records;

namespace ConformityLab.RefDb.Tests;

/// <summary>
/// The log's proofs checked by tools/verify_log_proof.py, a verifier written in Python from RFC
/// 9162 alone, and the checkpoint's signature checked by OpenSSL: nothing but the RFCs is shared
/// with the C# code.
/// </summary>
public sealed class IndependentVerifierTests
{
    private static readonly JsonSerializerOptions Camel = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
    private string _dir = null!;

    [SetUp]
    public void MakeFolder() => _dir = Directory.CreateTempSubdirectory("cl-verifier-").FullName;

    [TearDown]
    public void RemoveFolder() => Directory.Delete(_dir, recursive: true);

    private async Task<(int Code, string Output)> PythonAsync(string mode, object proof)
    {
        var path = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(proof, Camel));
        return await Postgres.RunAsync("python3", Path.Combine(AppContext.BaseDirectory, "tools", "verify_log_proof.py"), mode, path);
    }

    [Test]
    public async Task PythonVerifier_AcceptsRealProofs_AndRejectsATamperedTree()
    {
        await using var db = await ReferenceDatabase.OpenAsync(Path.Combine(_dir, "ref.sqlite"));
        await db.InitAsync(CancellationToken.None);
        var key = LabSigningKey.Create();
        await db.AddLabAsync("Lab A", key.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            await db.RevokeLabAsync("Lab A", new DateOnly(2027, 1, 1).AddDays(i), CancellationToken.None); // each a logged lab change
        }

        var inclusion = await db.ProveAsync("6", 21, CancellationToken.None);
        Assert.That(await PythonAsync("inclusion", inclusion), Is.EqualTo((0, "verified\n")));
        var consistency = await db.ConsistencyAsync(7, 21, CancellationToken.None);
        Assert.That(await PythonAsync("consistency", consistency), Is.EqualTo((0, "verified\n")));

        // A tampered tree: the same history with one leaf rewritten (leaf 4), rebuilt whole, as a log operator rewriting history would.
        await using var forged = await ReferenceDatabase.OpenAsync(Path.Combine(_dir, "forged.sqlite"));
        await forged.InitAsync(CancellationToken.None);
        await forged.AddLabAsync("Lab A", key.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        for (var i = 0; i < 20; i++)
        {
            await forged.RevokeLabAsync("Lab A", new DateOnly(i == 3 ? 2030 : 2027, 1, 1).AddDays(i), CancellationToken.None);
        }

        var tamperedRoot = Convert.ToBase64String(await forged.RootAsync(21, CancellationToken.None));
        Assert.That(tamperedRoot, Is.Not.EqualTo(inclusion.RootHash));
        Assert.That((await PythonAsync("inclusion", inclusion with { RootHash = tamperedRoot })).Code, Is.EqualTo(1));
        Assert.That((await PythonAsync("consistency", consistency with { NewRoot = tamperedRoot })).Code, Is.EqualTo(1));
        Assert.That((await PythonAsync("inclusion", inclusion with { LeafIndex = 7 })).Code, Is.EqualTo(1), "the path of leaf 6 proves no other leaf");
        Assert.That((await PythonAsync("inclusion", new { leafIndex = 1 })).Code, Is.EqualTo(2));
    }

    [Test]
    public async Task OpenSsl_VerifiesTheCheckpointSignature()
    {
        await using var db = await ReferenceDatabase.OpenAsync(Path.Combine(_dir, "ref.sqlite"));
        await db.InitAsync(CancellationToken.None);
        var key = LabSigningKey.Create();
        await db.AddLabAsync("Lab A", key.Public, null, new DateOnly(2026, 1, 1), null, CancellationToken.None);
        var note = await db.CheckpointAsync(CancellationToken.None);

        // signed-note: the text up to the blank line is signed; the signature line carries base64(4-byte key hash ‖ 64-byte signature).
        var split = note.IndexOf("\n\n", StringComparison.Ordinal);
        var body = Path.Combine(_dir, "body");
        var sig = Path.Combine(_dir, "sig");
        var pub = Path.Combine(_dir, "log.pub");
        await File.WriteAllTextAsync(body, note[..(split + 1)]);
        await File.WriteAllBytesAsync(sig, Convert.FromBase64String(note[(split + 2)..].Trim().Split(' ')[^1])[4..]);
        await File.WriteAllTextAsync(pub, (await db.LogPublicKeyAsync(CancellationToken.None)).ToPem());
        var (code, output) = await Postgres.RunAsync("openssl", "pkeyutl", "-verify", "-pubin", "-inkey", pub, "-rawin", "-in", body, "-sigfile", sig);
        Assert.That(code, Is.Zero, output);
        Assert.That(output, Does.Contain("Signature Verified Successfully"));
    }
}
