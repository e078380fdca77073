using System.Net;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.S3;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>Reads source zips from and writes artifacts to the local S3, as CodeBuild does with the service role's access.</summary>
internal sealed class ArtifactBucket(S3Store s3)
{
    public byte[] Get(S3ObjectLocation location)
    {
        var record = s3.Read(state => S3Store.Bucket(state, location.Bucket).Objects.GetValueOrDefault(location.Key))
                     ?? throw new AwsServiceException("NoSuchKey", $"The specified key does not exist: s3://{location.Bucket}/{location.Key}", HttpStatusCode.NotFound);
        return s3.ReadContent(record.ContentHash);
    }

    public void Put(S3ObjectLocation location, byte[] content, string contentType)
    {
        var hash = s3.WriteContent(content);
        s3.Update(state =>
        {
            var bucket = S3Store.Bucket(state, location.Bucket);
            bucket.Objects[location.Key] = new ObjectRecord
            {
                Key = location.Key,
                ContentHash = hash,
                Size = content.Length,
                ETag = S3Store.ETag(content),
                ContentType = contentType,
                LastModified = s3.Now,
                VersionId = bucket.Versioning == "Enabled" ? Guid.NewGuid().ToString("N") : null,
            };
            return true;
        });
    }
}
