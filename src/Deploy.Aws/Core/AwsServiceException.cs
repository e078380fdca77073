using System.Globalization;
using System.Net;

namespace Deploy.Aws;

/// <summary>What went wrong in one AWS call, as the service (or the network) reported it.</summary>
/// <param name="Service">The service's display name, e.g. <c>ECS</c>.</param>
/// <param name="Operation">The API operation, e.g. <c>DescribeServices</c>.</param>
/// <param name="Resource">What the call was about, e.g. <c>service 'web' in cluster 'main'</c>; null when unknown.</param>
/// <param name="Code">The AWS error code, e.g. <c>ClusterNotFoundException</c>.</param>
/// <param name="Message">The service's message.</param>
/// <param name="RequestId">The AWS request id, for support cases.</param>
/// <param name="StatusCode">The HTTP status; 0 when no response arrived.</param>
public sealed record AwsErrorDetails(
    string Service,
    string Operation,
    string? Resource,
    string Code,
    string Message,
    string? RequestId,
    HttpStatusCode StatusCode);

/// <summary>An AWS call failed. Each service family has its own subclass.</summary>
public class AwsServiceException : Exception
{
    public AwsServiceException()
        : this(new AwsErrorDetails("AWS", "call", null, "Unknown", "The AWS call failed.", null, 0), null)
    {
    }

    public AwsServiceException(string message)
        : this(new AwsErrorDetails("AWS", "call", null, "Unknown", message, null, 0), null)
    {
    }

    public AwsServiceException(string message, Exception innerException)
        : this(new AwsErrorDetails("AWS", "call", null, "Unknown", message, null, 0), innerException)
    {
    }

    public AwsServiceException(AwsErrorDetails details, Exception? innerException = null)
        : base(Describe(details ?? throw new ArgumentNullException(nameof(details))), innerException)
    {
        Details = details;
    }

    public AwsErrorDetails Details { get; }

    public string Service => Details.Service;

    public string Operation => Details.Operation;

    public string? Resource => Details.Resource;

    public string Code => Details.Code;

    public string ErrorMessage => Details.Message;

    public string? RequestId => Details.RequestId;

    public HttpStatusCode StatusCode => Details.StatusCode;

    private static string Describe(AwsErrorDetails d)
    {
        var target = d.Resource is null ? string.Empty : " for " + d.Resource;
        var requestId = d.RequestId is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (request id {d.RequestId})");
        var message = string.IsNullOrEmpty(d.Message) ? string.Empty : ": " + d.Message;
        return $"{d.Service} {d.Operation} failed{target}: {d.Code}{message}{requestId}";
    }
}
