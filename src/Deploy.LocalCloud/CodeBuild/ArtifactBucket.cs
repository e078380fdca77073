using System.Net;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.S3;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// Reads source zips from and writes artifacts to the local S3, as CodeBuild does with the service role's access: each
/// read and write is authorized as the build's session of that role (S3's AccessDenied when the role may not).
/// </summary>
internal sealed class ArtifactBucket(S3Store s3)
{
    public byte[] Get(S3ObjectLocation location, ServiceRoleSession role)
    {
        ArgumentNullException.ThrowIfNull(role);
        AsRole(role, "s3:GetObject", location);
        var record = s3.Read(state => S3Store.Bucket(state, location.Bucket).Objects.GetValueOrDefault(location.Key))
                     ?? throw new AwsServiceException("NoSuchKey", $"The specified key does not exist: s3://{location.Bucket}/{location.Key}", HttpStatusCode.NotFound);
        return s3.ReadContent(record.ContentHash);
    }

    public void Put(S3ObjectLocation location, byte[] content, string contentType, ServiceRoleSession role)
    {
        ArgumentNullException.ThrowIfNull(role);
        AsRole(role, "s3:PutObject", location);
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

    /// <summary>CodeBuild locates the bucket (GetBucketAcl, GetBucketLocation) and then reads or writes the object.</summary>
    private static void AsRole(ServiceRoleSession role, string action, S3ObjectLocation location)
    {
        try
        {
            role.Require("s3:GetBucketAcl", $"arn:aws:s3:::{location.Bucket}");
            role.Require("s3:GetBucketLocation", $"arn:aws:s3:::{location.Bucket}");
            role.Require(action, $"arn:aws:s3:::{location.Bucket}/{location.Key}");
        }
        catch (RoleSessionDeniedException denied)
        {
            throw new AwsServiceException("AccessDenied", denied.Message, HttpStatusCode.Forbidden);
        }
    }
}
