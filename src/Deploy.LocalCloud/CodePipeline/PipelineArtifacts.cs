using System.Net;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.S3;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>Artifacts (zips) in the pipeline's artifact bucket of the local S3, under keys shaped like CodePipeline's.</summary>
internal sealed class PipelineArtifacts(S3Store s3)
{
    private const string KeyAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary><c>&lt;pipeline name, 20 chars&gt;/&lt;artifact name, 10 chars&gt;/&lt;7 random chars&gt;</c>, as CodePipeline names them.</summary>
    public static ArtifactLocation NewLocation(string bucket, string pipelineName, string artifactName)
    {
        var random = new string([.. Enumerable.Range(0, 7).Select(_ => KeyAlphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(KeyAlphabet.Length)])]);
        return new ArtifactLocation(artifactName, bucket, $"{Truncate(pipelineName, 20)}/{Truncate(artifactName, 10)}/{random}");
    }

    public void Write(ArtifactLocation location, byte[] content)
    {
        var hash = s3.WriteContent(content);
        s3.Update(state =>
        {
            var bucket = BucketOf(state, location);
            bucket.Objects[location.Key] = new ObjectRecord
            {
                Key = location.Key,
                ContentHash = hash,
                Size = content.Length,
                ETag = S3Store.ETag(content),
                ContentType = "application/zip",
                LastModified = s3.Now,
                VersionId = bucket.Versioning == "Enabled" ? Guid.NewGuid().ToString("N") : null,
            };
            return true;
        });
    }

    public byte[] Read(ArtifactLocation location)
    {
        var record = s3.Read(state => BucketOf(state, location).Objects.GetValueOrDefault(location.Key))
                     ?? throw new PipelineActionException($"The artifact {location.Name} is missing from s3://{location.Bucket}/{location.Key}.");
        return s3.ReadContent(record.ContentHash);
    }

    public bool Exists(ArtifactLocation location) =>
        s3.Read(state => state.Buckets.GetValueOrDefault(location.Bucket)?.Objects.ContainsKey(location.Key) == true);

    private static BucketRecord BucketOf(S3State state, ArtifactLocation location)
    {
        try
        {
            return S3Store.Bucket(state, location.Bucket);
        }
        catch (AwsServiceException failure) when (failure.Status == HttpStatusCode.NotFound)
        {
            throw new PipelineActionException($"The artifact bucket {location.Bucket} does not exist (the pipeline's artifactStore location).");
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
