using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Registry;

/// <summary>
/// Content-addressed storage shared by all repositories (<c>registry/blobs/sha256/&lt;hex&gt;</c>), plus
/// in-progress uploads (<c>registry/uploads/&lt;uuid&gt;</c>). Content only enters the store after its
/// SHA-256 has been checked against the digest the client claimed.
/// </summary>
internal sealed partial class BlobStore
{
    private readonly string blobRoot;
    private readonly string uploadRoot;

    public BlobStore(LocalCloudOptions options)
    {
        blobRoot = Path.Combine(options.StateDirectory, "registry", "blobs", "sha256");
        uploadRoot = Path.Combine(options.StateDirectory, "registry", "uploads");
        Directory.CreateDirectory(blobRoot);
        Directory.CreateDirectory(uploadRoot);
    }

    public static bool IsValidDigest(string digest) => DigestPattern().IsMatch(digest);

    public static string DigestOf(ReadOnlySpan<byte> content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    public bool Exists(string digest) => IsValidDigest(digest) && File.Exists(BlobPath(digest));

    public long Size(string digest) => new FileInfo(BlobPath(digest)).Length;

    public Stream OpenRead(string digest) => File.OpenRead(BlobPath(digest));

    public byte[]? TryReadAll(string digest) => Exists(digest) ? File.ReadAllBytes(BlobPath(digest)) : null;

    /// <summary>Stores small content (manifests) directly; returns its digest.</summary>
    public string Put(byte[] content)
    {
        var digest = DigestOf(content);
        var temp = Path.Combine(uploadRoot, Guid.NewGuid().ToString("N") + ".manifest");
        File.WriteAllBytes(temp, content);
        File.Move(temp, BlobPath(digest), overwrite: true);
        return digest;
    }

    public string StartUpload()
    {
        var id = Guid.NewGuid().ToString();
        File.Create(UploadPath(id)).Dispose();
        return id;
    }

    /// <summary>Bytes received so far, or null for an unknown upload id.</summary>
    public long? UploadSize(string uploadId) =>
        Guid.TryParse(uploadId, out _) && File.Exists(UploadPath(uploadId)) ? new FileInfo(UploadPath(uploadId)).Length : null;

    public async Task<long> AppendAsync(string uploadId, Stream content, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(UploadPath(uploadId), FileMode.Append, FileAccess.Write);
        await content.CopyToAsync(file, cancellationToken);
        return file.Length;
    }

    /// <summary>Moves a finished upload into the store if its content hashes to <paramref name="expectedDigest"/>.</summary>
    public async Task<bool> CompleteAsync(string uploadId, string expectedDigest, CancellationToken cancellationToken)
    {
        var upload = UploadPath(uploadId);
        string actual;
        await using (var file = File.OpenRead(upload))
        {
            actual = "sha256:" + Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
        }

        if (actual != expectedDigest)
        {
            return false;
        }

        File.Move(upload, BlobPath(expectedDigest), overwrite: true);
        return true;
    }

    public void CancelUpload(string uploadId)
    {
        if (UploadSize(uploadId) is not null)
        {
            File.Delete(UploadPath(uploadId));
        }
    }

    /// <summary>The upload area's files: uploads in progress or abandoned, and manifests being stored.</summary>
    public IEnumerable<FileInfo> Uploads() => new DirectoryInfo(uploadRoot).EnumerateFiles();

    private string BlobPath(string digest) => Path.Combine(blobRoot, digest["sha256:".Length..]);

    private string UploadPath(string uploadId) => Path.Combine(uploadRoot, uploadId);

    [GeneratedRegex("^sha256:[a-f0-9]{64}$")]
    private static partial Regex DigestPattern();
}
