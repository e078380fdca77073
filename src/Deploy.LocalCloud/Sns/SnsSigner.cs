using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// Signs SNS messages as SNS does ("Verifying the signatures of Amazon SNS messages"): the message's fields, name and value
/// each followed by a newline, in byte order; SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2. The key and a
/// self-signed certificate are made once per state directory; the certificate is served at <see cref="CertificatePath"/>.
/// </summary>
internal sealed class SnsSigner : IDisposable
{
    private readonly RSA key;

    public SnsSigner(LocalCloudOptions options)
    {
        var directory = Path.Combine(options.StateDirectory, "sns");
        Directory.CreateDirectory(directory);
        var keyPath = Path.Combine(directory, "signing-key.pem");
        var certificatePath = Path.Combine(directory, "signing-certificate.pem");
        key = RSA.Create();
        if (File.Exists(keyPath) && File.Exists(certificatePath))
        {
            key.ImportFromPem(File.ReadAllText(keyPath));
            CertificatePem = File.ReadAllText(certificatePath);
        }
        else
        {
            key.KeySize = 2048;
            var request = new CertificateRequest($"CN=sns.{options.Region}.amazonaws.com (local cloud)", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            var now = DateTimeOffset.UtcNow;
            using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(10));
            CertificatePem = certificate.ExportCertificatePem();
            WriteAtomically(keyPath, key.ExportPkcs8PrivateKeyPem());
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(keyPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            WriteAtomically(certificatePath, CertificatePem);
        }

        using var loaded = X509Certificate2.CreateFromPem(CertificatePem);
        CertificatePath = $"/SimpleNotificationService-{Convert.ToHexStringLower(SHA256.HashData(loaded.RawData))[..32]}.pem";
    }

    /// <summary>The signing certificate in PEM form (what SigningCertURL serves).</summary>
    public string CertificatePem { get; }

    /// <summary>The path of <see cref="CertificatePem"/> on the local cloud, shaped like SNS's certificate file names.</summary>
    public string CertificatePath { get; }

    /// <summary>The string SNS signs: for each field present, in byte order, its name, a newline, its value, a newline.</summary>
    public static string StringToSign(IReadOnlyDictionary<string, string?> fields, IEnumerable<string> signedNames)
    {
        var text = new StringBuilder();
        foreach (var name in signedNames.Order(StringComparer.Ordinal))
        {
            if (fields.GetValueOrDefault(name) is { } value)
            {
                text.Append(name).Append('\n').Append(value).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>The base64 signature of <paramref name="stringToSign"/> for signature version "1" or "2".</summary>
    public string Sign(string stringToSign, string signatureVersion)
    {
        // Version 1 is SHA1withRSA because that is what SNS sends by default and what subscribers verify; 2 is SHA256.
#pragma warning disable CA5350
        var hash = signatureVersion == "2" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
#pragma warning restore CA5350
        return Convert.ToBase64String(key.SignData(Encoding.UTF8.GetBytes(stringToSign), hash, RSASignaturePadding.Pkcs1));
    }

    public void Dispose() => key.Dispose();

    private static void WriteAtomically(string path, string text)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }
}
