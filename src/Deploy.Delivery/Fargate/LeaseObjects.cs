using System.Net;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Deploy.Aws;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Fargate;

/// <summary>One stored version of a lease object: its content, ETag and version id (null in an unversioned bucket).</summary>
public sealed record LeaseObject(string Content, string ETag, string? VersionId);

/// <summary>A written version of a lease object.</summary>
public sealed record LeaseWrite(string ETag, string? VersionId);

/// <summary>
/// Compare-and-swap on one object, what <see cref="DeployLease"/> needs from S3. A lost race is a null or false result,
/// not an exception: it is the answer the lease asked for.
/// </summary>
public interface ILeaseObjects
{
    /// <summary>Writes the object only if the key has none; null when it has.</summary>
    Task<LeaseWrite?> CreateAsync(string key, string content, CancellationToken cancellationToken);

    /// <summary>The current object; null when there is none.</summary>
    Task<LeaseObject?> ReadAsync(string key, CancellationToken cancellationToken);

    /// <summary>Replaces the object only if its ETag is still <paramref name="etag"/>; null when it is not (or it is gone).</summary>
    Task<LeaseWrite?> ReplaceAsync(string key, string content, string etag, CancellationToken cancellationToken);

    /// <summary>Deletes the object only if its ETag is still <paramref name="etag"/>; the delete marker's version id, if any.</summary>
    Task<(bool Deleted, string? MarkerVersionId)> DeleteAsync(string key, string etag, CancellationToken cancellationToken);

    /// <summary>Deletes one version for good (a versioned bucket keeps every lease write otherwise).</summary>
    Task DeleteVersionAsync(string key, string versionId, CancellationToken cancellationToken);
}

/// <summary>
/// <see cref="ILeaseObjects"/> in an S3 bucket with conditional writes: <c>If-None-Match: *</c> to create, <c>If-Match</c>
/// to replace and delete. 412 PreconditionFailed, 409 ConditionalRequestConflict (a concurrent write) and NoSuchKey are
/// lost races.
/// </summary>
public sealed class S3LeaseObjects(AwsSession session, string bucket) : ILeaseObjects
{
    public Task<LeaseWrite?> CreateAsync(string key, string content, CancellationToken cancellationToken) =>
        WriteAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = content, ContentType = "application/json", IfNoneMatch = "*" }, cancellationToken);

    public Task<LeaseWrite?> ReplaceAsync(string key, string content, string etag, CancellationToken cancellationToken) =>
        WriteAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = content, ContentType = "application/json", IfMatch = etag }, cancellationToken);

    public async Task<LeaseObject?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        using var s3 = SessionS3.Client(session);
        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
            using var reader = new StreamReader(response.ResponseStream, Encoding.UTF8);
            return new LeaseObject(await reader.ReadToEndAsync(cancellationToken), response.ETag, response.VersionId);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchKey" || e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }
        catch (AmazonS3Exception e)
        {
            throw Failure("GetObject", key, e);
        }
    }

    public async Task<(bool Deleted, string? MarkerVersionId)> DeleteAsync(string key, string etag, CancellationToken cancellationToken)
    {
        using var s3 = SessionS3.Client(session);
        try
        {
            var response = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, IfMatch = etag }, cancellationToken);
            return (true, response.VersionId);
        }
        catch (AmazonS3Exception e) when (LostRace(e))
        {
            return (false, null);
        }
        catch (AmazonS3Exception e)
        {
            throw Failure("DeleteObject", key, e);
        }
    }

    public async Task DeleteVersionAsync(string key, string versionId, CancellationToken cancellationToken)
    {
        using var s3 = SessionS3.Client(session);
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            throw Failure("DeleteObject (version)", key, e);
        }
    }

    private async Task<LeaseWrite?> WriteAsync(PutObjectRequest request, CancellationToken cancellationToken)
    {
        using var s3 = SessionS3.Client(session);
        try
        {
            var response = await s3.PutObjectAsync(request, cancellationToken);
            return new LeaseWrite(response.ETag, response.VersionId);
        }
        catch (AmazonS3Exception e) when (LostRace(e))
        {
            return null;
        }
        catch (AmazonS3Exception e)
        {
            throw Failure("PutObject", request.Key, e);
        }
    }

    private static bool LostRace(AmazonS3Exception e) =>
        e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict || e.ErrorCode == "NoSuchKey";

    private DeployException Failure(string operation, string key, AmazonS3Exception e) => new(
        $"The deploy lease s3://{bucket}/{key} could not be used: S3 {operation} failed ({e.ErrorCode}: {e.Message})"
        + (e.ErrorCode == "NoSuchBucket" ? "; run ProvisionInfra to create the platform's artifact bucket." : "."),
        e);
}
