using System.Net;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.S3;

internal sealed partial class S3Endpoint
{
    /// <summary>
    /// The operation's IAM action on the bucket or object (a read or delete of a given version is its <c>*Version</c>
    /// action; a listing's prefix is <c>s3:prefix</c>). S3 refuses with <c>AccessDenied</c> (403) and quotes the resource.
    /// </summary>
    private void Authorize(CallerIdentity caller, string operation, string? bucket, string? key, IQueryCollection query)
    {
        if (operation == "Unknown" || !authorization.Enforces(caller))
        {
            return;
        }

        IReadOnlyList<string> Members(string name) => name switch
        {
            "BucketName" when bucket is not null => [bucket],
            "ObjectName" when key is not null => [key],
            _ => [],
        };
        var context = query.TryGetValue("prefix", out var prefix) && operation.StartsWith("List", StringComparison.Ordinal)
            ? [KeyValuePair.Create("s3:prefix", prefix.ToString())]
            : Array.Empty<KeyValuePair<string, string>>();
        var versioned = query.ContainsKey("versionId") ? operation switch
        {
            "GetObject" or "HeadObject" => "s3:GetObjectVersion",
            "DeleteObject" => "s3:DeleteObjectVersion",
            _ => null,
        } : null;
        var denial = versioned is null
            ? authorization.OperationDenial(caller, "s3", operation, Members, context)
            : authorization.ActionDenial(caller, versioned, Members, context);
        if (denial is not null)
        {
            var resource = denial.Request.Resource;
            throw new AwsServiceException("AccessDenied",
                denial.Message.Replace($" on resource: {resource} ", $" on resource: \"{resource}\" ", StringComparison.Ordinal), HttpStatusCode.Forbidden);
        }
    }
}
