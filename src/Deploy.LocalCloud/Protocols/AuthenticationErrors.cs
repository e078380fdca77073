using System.Net;
using Deploy.LocalCloud.Auth;

namespace Deploy.LocalCloud.Protocols;

/// <summary>AWS names the same authentication failure differently in JSON and query services.</summary>
internal static class AuthenticationErrors
{
    public static AwsServiceException ForJson(SigV4Outcome outcome) => outcome.Failure switch
    {
        SigV4Failure.MissingAuthentication => new("MissingAuthenticationTokenException", outcome.Message, HttpStatusCode.Forbidden),
        SigV4Failure.IncompleteSignature => new("IncompleteSignatureException", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.UnknownAccessKey => new("UnrecognizedClientException", outcome.Message, HttpStatusCode.Forbidden),
        SigV4Failure.ExpiredToken => new("ExpiredTokenException", outcome.Message, HttpStatusCode.BadRequest),
        _ => new("InvalidSignatureException", outcome.Message, HttpStatusCode.Forbidden),
    };

    public static AwsServiceException ForQuery(SigV4Outcome outcome) => outcome.Failure switch
    {
        SigV4Failure.MissingAuthentication => new("MissingAuthenticationToken", "Request is missing Authentication Token", HttpStatusCode.Forbidden),
        SigV4Failure.IncompleteSignature => new("IncompleteSignature", outcome.Message, HttpStatusCode.BadRequest),
        SigV4Failure.UnknownAccessKey => new("InvalidClientTokenId", outcome.Message, HttpStatusCode.Forbidden),
        SigV4Failure.ExpiredToken => new("ExpiredToken", outcome.Message, HttpStatusCode.Forbidden),
        _ => new("SignatureDoesNotMatch", outcome.Message, HttpStatusCode.Forbidden),
    };
}
