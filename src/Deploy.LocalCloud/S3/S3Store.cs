using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.S3;

/// <summary>S3 buckets and object metadata in <c>s3.json</c>; object bytes under <c>s3/objects/&lt;sha256&gt;</c>.</summary>
internal sealed partial class S3Store(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<S3State> file = new(options.StateDirectory, "s3.json");
    private readonly string objects = Path.Combine(options.StateDirectory, "s3", "objects");

    public DateTimeOffset Now => clock.GetUtcNow();

    public TResult Read<TResult>(Func<S3State, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<S3State, TResult> change) => file.Update(change);

    public static BucketRecord Bucket(S3State state, string name) =>
        state.Buckets.GetValueOrDefault(name) ?? throw new AwsServiceException("NoSuchBucket", "The specified bucket does not exist", HttpStatusCode.NotFound);

    public void CreateBucket(string name) => Update(state =>
    {
        ValidateName(name);
        if (state.Buckets.ContainsKey(name))
        {
            throw new AwsServiceException("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", HttpStatusCode.Conflict);
        }

        state.Buckets[name] = new BucketRecord { Name = name, CreationDate = Now };
        return true;
    });

    public void DeleteBucket(string name) => Update(state =>
    {
        var bucket = Bucket(state, name);
        if (bucket.Objects.Count > 0)
        {
            throw new AwsServiceException("BucketNotEmpty", "The bucket you tried to delete is not empty", HttpStatusCode.Conflict);
        }

        return state.Buckets.Remove(name);
    });

    /// <summary>Stores the bytes content-addressed (written before the metadata, so metadata never points at nothing).</summary>
    public string WriteContent(byte[] content)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(content));
        Directory.CreateDirectory(objects);
        var path = Path.Combine(objects, hash);
        if (!File.Exists(path))
        {
            var temp = path + "." + Guid.NewGuid().ToString("N");
            File.WriteAllBytes(temp, content);
            File.Move(temp, path, overwrite: true);
        }

        return hash;
    }

    public byte[] ReadContent(string hash) => File.ReadAllBytes(Path.Combine(objects, hash));

    // S3's ETag of a single-part upload is the MD5 of the content: clients compare it, it protects nothing.
#pragma warning disable CA5351
    public static string ETag(byte[] content) => "\"" + Convert.ToHexStringLower(MD5.HashData(content)) + "\"";
#pragma warning restore CA5351

    public static void ValidateName(string name)
    {
        if (name.Length is < 3 or > 63 || !BucketNamePattern().IsMatch(name) || name.Contains("..", StringComparison.Ordinal))
        {
            throw new AwsServiceException("InvalidBucketName", "The specified bucket is not valid.");
        }
    }

    public static string Hex(string text) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]*[a-z0-9]$")]
    private static partial Regex BucketNamePattern();
}

internal sealed class S3State
{
    public Dictionary<string, BucketRecord> Buckets { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class BucketRecord
{
    public required string Name { get; set; }

    public DateTimeOffset CreationDate { get; set; }

    /// <summary>null (never enabled), Enabled or Suspended.</summary>
    public string? Versioning { get; set; }

    /// <summary>SSE algorithm of the default encryption (AES256 when unset, as in S3 since 2023).</summary>
    public string SseAlgorithm { get; set; } = "AES256";

    public string? KmsMasterKeyId { get; set; }

    public bool? BlockPublicAcls { get; set; }

    public bool? IgnorePublicAcls { get; set; }

    public bool? BlockPublicPolicy { get; set; }

    public bool? RestrictPublicBuckets { get; set; }

    public Dictionary<string, ObjectRecord> Objects { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class ObjectRecord
{
    public required string Key { get; set; }

    public required string ContentHash { get; set; }

    public long Size { get; set; }

    public required string ETag { get; set; }

    public string ContentType { get; set; } = "binary/octet-stream";

    public DateTimeOffset LastModified { get; set; }

    public string? VersionId { get; set; }

    public Dictionary<string, string> Metadata { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
