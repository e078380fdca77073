using System.Globalization;

namespace Deploy.Aws;

/// <summary>
/// One HTTP attempt of one AWS call, for verbose logs and metrics. It never carries credentials,
/// request bodies or response bodies (which may hold tokens).
/// </summary>
/// <param name="Service">The botocore serviceId, e.g. <c>ECS</c>.</param>
/// <param name="Operation">The API operation.</param>
/// <param name="Attempt">1 for the first try.</param>
/// <param name="StatusCode">The HTTP status, or null when no response arrived (timeout, connection reset).</param>
/// <param name="Duration">Time from sending to having read the response.</param>
/// <param name="RequestId">The AWS request id when the service returned one.</param>
/// <param name="ErrorCode">The AWS error code (or the transport failure) when the attempt failed.</param>
/// <param name="WillRetry">True when another attempt follows.</param>
public sealed record AwsCallRecord(
    string Service,
    string Operation,
    int Attempt,
    int? StatusCode,
    TimeSpan Duration,
    string? RequestId,
    string? ErrorCode,
    bool WillRetry)
{
    /// <summary>One line for verbose logs, e.g. <c>ECS DescribeServices → 200 in 41 ms (attempt 1, request id 9f2…)</c>.</summary>
    public string ToLogLine()
    {
        var outcome = StatusCode is { } status ? status.ToString(CultureInfo.InvariantCulture) : "no response";
        var error = ErrorCode is null ? string.Empty : " " + ErrorCode;
        var retry = WillRetry ? ", retrying" : string.Empty;
        var requestId = RequestId is null ? string.Empty : ", request id " + RequestId;
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Service} {Operation} → {outcome}{error} in {Duration.TotalMilliseconds:F0} ms (attempt {Attempt}{requestId}{retry})");
    }
}
