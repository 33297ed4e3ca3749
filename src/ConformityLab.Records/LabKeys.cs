using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.X509;

namespace ConformityLab.Records;

/// <summary>
/// A lab's Ed25519 signing key (RFC 8032), kept as PKCS#8 PEM (<c>PRIVATE KEY</c>), with its
/// public half as PEM SubjectPublicKeyInfo (<c>PUBLIC KEY</c>, RFC 8410), the forms OpenSSL reads.
/// </summary>
public sealed class LabSigningKey
{
    private readonly Ed25519PrivateKeyParameters _key;

    private LabSigningKey(Ed25519PrivateKeyParameters key)
    {
        _key = key;
        Public = new LabPublicKey(key.GeneratePublicKey());
    }

    /// <summary>The public half.</summary>
    public LabPublicKey Public { get; }

    /// <summary>A new random key.</summary>
    public static LabSigningKey Create()
    {
        var generator = new Ed25519KeyPairGenerator();
        generator.Init(new Ed25519KeyGenerationParameters(new SecureRandom()));
        return new LabSigningKey((Ed25519PrivateKeyParameters)generator.GenerateKeyPair().Private);
    }

    /// <summary>Reads a PKCS#8 PEM private key.</summary>
    /// <exception cref="FormatException">The text is no PEM private key, or the key is not Ed25519; the message says which.</exception>
    public static LabSigningKey FromPem(string pem)
    {
        return new LabSigningKey(Pem.Key<Ed25519PrivateKeyParameters>(pem, "PRIVATE KEY", "a PKCS#8 private key (-----BEGIN PRIVATE KEY-----)", "private", PrivateKeyFactory.CreateKey));
    }

    /// <summary>
    /// The key as PKCS#8 PEM, in RFC 8410 §7's exact form (version 0, the Ed25519 OID, the 32-byte
    /// seed in an OCTET STRING), as <c>openssl genpkey -algorithm ed25519</c> writes it. BouncyCastle's
    /// own encoder writes the version-1 form with the public key attached, which OpenSSL 3 refuses.
    /// </summary>
    public string ToPem() => PemEncoding.WriteString("PRIVATE KEY", [.. Pkcs8Ed25519Prefix, .. _key.GetEncoded()]);

    /// <summary>SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } } up to the seed.</summary>
    private static readonly byte[] Pkcs8Ed25519Prefix = Convert.FromHexString("302e020100300506032b657004220420");

    /// <summary>The Ed25519 signature (64 bytes) of <paramref name="message"/>.</summary>
    public byte[] Sign(ReadOnlySpan<byte> message)
    {
        var signer = new Ed25519Signer();
        signer.Init(true, _key);
        signer.BlockUpdate(message.ToArray(), 0, message.Length);
        return signer.GenerateSignature();
    }
}

/// <summary>A lab's Ed25519 public key and its key id.</summary>
public sealed class LabPublicKey
{
    private readonly Ed25519PublicKeyParameters _key;

    internal LabPublicKey(Ed25519PublicKeyParameters key)
    {
        _key = key;
        Spki = SubjectPublicKeyInfoFactory.CreateSubjectPublicKeyInfo(key).GetEncoded();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(Spki));
    }

    /// <summary>The DER SubjectPublicKeyInfo.</summary>
    public byte[] Spki { get; }

    /// <summary>
    /// The key id: SHA-256 of the DER SubjectPublicKeyInfo, hex, as Certificate Transparency names a
    /// log's key (RFC 6962 §3.2). <c>openssl pkey -pubin -in lab.pub -outform DER | sha256sum</c> gives it.
    /// </summary>
    public string KeyId { get; }

    /// <summary>Reads a PEM SubjectPublicKeyInfo.</summary>
    /// <exception cref="FormatException">The text is no PEM public key, or the key is not Ed25519.</exception>
    public static LabPublicKey FromPem(string pem)
    {
        return new LabPublicKey(Pem.Key<Ed25519PublicKeyParameters>(pem, "PUBLIC KEY", "a public key (-----BEGIN PUBLIC KEY-----)", "public", PublicKeyFactory.CreateKey));
    }

    /// <summary>The key as PEM SubjectPublicKeyInfo.</summary>
    public string ToPem() => PemEncoding.WriteString("PUBLIC KEY", Spki);

    /// <summary>Whether <paramref name="signature"/> is this key's Ed25519 signature of <paramref name="message"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != Ed25519PrivateKeyParameters.SignatureSize)
        {
            return false;
        }

        var verifier = new Ed25519Signer();
        verifier.Init(false, _key);
        verifier.BlockUpdate(message.ToArray(), 0, message.Length);
        return verifier.VerifySignature(signature.ToArray());
    }
}

/// <summary>Writes and reads the key files.</summary>
public static class LabKeyFiles
{
    /// <summary>
    /// Writes <c>&lt;name&gt;.key</c> (PKCS#8 PEM, mode 0600 from its creation) and
    /// <c>&lt;name&gt;.pub</c> into <paramref name="directory"/>. Existing files are never overwritten.
    /// </summary>
    /// <returns>The two paths.</returns>
    /// <exception cref="IOException">A key file of that name exists already.</exception>
    public static (string PrivatePath, string PublicPath) Write(LabSigningKey key, string directory, string name)
    {
        Directory.CreateDirectory(directory);
        var privatePath = Path.Combine(directory, name + ".key");
        var publicPath = Path.Combine(directory, name + ".pub");
        foreach (var path in new[] { privatePath, publicPath })
        {
            if (File.Exists(path))
            {
                throw new IOException($"'{path}' exists already; a key is never overwritten (move it away, or choose another --name)");
            }
        }

        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(privatePath, System.Text.Encoding.ASCII, options))
        {
            writer.Write(key.ToPem() + "\n");
        }

        File.WriteAllText(publicPath, key.Public.ToPem() + "\n");
        return (privatePath, publicPath);
    }

    /// <summary>Reads a private key file.</summary>
    /// <exception cref="FormatException">Not an Ed25519 PKCS#8 PEM key; the message names the file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabSigningKey ReadPrivate(string path) => Wrap(path, () => LabSigningKey.FromPem(File.ReadAllText(path)));

    /// <summary>Reads a public key file.</summary>
    /// <exception cref="FormatException">Not an Ed25519 PEM public key; the message names the file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static LabPublicKey ReadPublic(string path) => Wrap(path, () => LabPublicKey.FromPem(File.ReadAllText(path)));

    private static T Wrap<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (FormatException e)
        {
            throw new FormatException($"{path}: {e.Message}", e);
        }
    }
}

internal static class Pem
{
    /// <summary>The Ed25519 key in a PEM block, or a FormatException that says what the block held instead.</summary>
    public static T Key<T>(string text, string label, string what, string kind, Func<byte[], AsymmetricKeyParameter> decode)
        where T : AsymmetricKeyParameter
    {
        var der = Read(text, label, what);
        AsymmetricKeyParameter key;
        try
        {
            key = decode(der);
        }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or IOException or SecurityUtilityException)
        {
            throw new FormatException($"the {kind} key cannot be read: {e.Message}", e);
        }

        return key as T ?? throw new FormatException($"the {kind} key is {key.GetType().Name.Replace("PrivateKeyParameters", string.Empty, StringComparison.Ordinal).Replace("PublicKeyParameters", string.Empty, StringComparison.Ordinal)}, not Ed25519");
    }

    public static byte[] Read(string text, string label, string what)
    {
        if (!PemEncoding.TryFind(text, out var fields))
        {
            throw new FormatException($"no PEM block found; expected {what}");
        }

        var found = text[fields.Label];
        if (!found.Equals(label, StringComparison.Ordinal))
        {
            throw new FormatException($"the PEM block is '{found}', but {what} is expected");
        }

        return Convert.FromBase64String(text[fields.Base64Data]);
    }
}
