using System.Net;

namespace Deploy.LocalCloud.Protocols;

/// <summary>An AWS error code and message; each protocol renders it in its own wire shape.</summary>
internal sealed class AwsServiceException : Exception
{
    public AwsServiceException(string code, string message, HttpStatusCode status = HttpStatusCode.BadRequest)
        : base(message)
    {
        Code = code;
        Status = status;
    }

    public string Code { get; }

    public HttpStatusCode Status { get; }

    /// <summary>Query protocol's Type: the caller's fault (Sender) unless the server failed.</summary>
    public string FaultType => (int)Status >= 500 ? "Receiver" : "Sender";

    public static AwsServiceException Validation(string member, string constraint = "Member must not be null") =>
        new("ValidationException", $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: {constraint}");
}
