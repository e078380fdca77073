using System.Net;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.S3;

/// <summary>
/// S3's conditional requests on writes, as its API documents them: <c>If-None-Match: *</c> and <c>If-Match: &lt;etag&gt;</c>
/// on PutObject, <c>If-Match: &lt;etag&gt;</c> or <c>*</c> on DeleteObject. The endpoint checks them inside the store's
/// update, so the check and the write are one step; S3's 409 ConditionalRequestConflict (a write that raced the check) cannot
/// happen here.
/// </summary>
internal static class S3Conditions
{
    /// <summary>Header values S3 does not implement, refused before anything is stored.</summary>
    public static void ValidatePut(IHeaderDictionary headers)
    {
        if (headers.IfNoneMatch.Count > 0 && headers.IfNoneMatch.ToString() != "*")
        {
            // On writes S3 takes only the asterisk ("the key does not exist"), not an ETag.
            throw new AwsServiceException("NotImplemented", "A header you provided implies functionality that is not implemented", HttpStatusCode.NotImplemented);
        }
    }

    /// <summary>PutObject's preconditions against the key's current object (null: none).</summary>
    public static void CheckPut(IHeaderDictionary headers, ObjectRecord? current)
    {
        if (headers.IfNoneMatch.Count > 0 && current is not null)
        {
            throw Failed();
        }

        if (headers.IfMatch.Count > 0)
        {
            if (current is null)
            {
                throw NoSuchKey();
            }

            if (!SameETag(headers.IfMatch.ToString(), current.ETag))
            {
                throw Failed();
            }
        }
    }

    /// <summary>DeleteObject's precondition: <c>If-Match</c> with the current object's ETag, or <c>*</c> for any.</summary>
    public static void CheckDelete(IHeaderDictionary headers, ObjectRecord? current)
    {
        if (headers.IfMatch.Count == 0)
        {
            return;
        }

        if (current is null)
        {
            throw NoSuchKey();
        }

        var wanted = headers.IfMatch.ToString();
        if (wanted != "*" && !SameETag(wanted, current.ETag))
        {
            throw Failed();
        }
    }

    // Clients send the ETag with or without its quotes; S3 compares the value.
    private static bool SameETag(string given, string stored) => given.Trim().Trim('"') == stored.Trim('"');

    private static AwsServiceException Failed() =>
        new("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", HttpStatusCode.PreconditionFailed);

    private static AwsServiceException NoSuchKey() => new("NoSuchKey", "The specified key does not exist.", HttpStatusCode.NotFound);
}
