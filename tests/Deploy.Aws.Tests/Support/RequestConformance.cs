namespace Deploy.Aws.Tests.Support;

/// <summary>Model checks of the requests that <see cref="RecordingHandler"/> and <see cref="RequestRecorder"/> capture.</summary>
public static class RequestConformance
{
    /// <summary>Every violation of a captured request against <paramref name="service"/>'s model (<see cref="BotocoreModels.ValidateRequest"/>).</summary>
    public static IReadOnlyList<string> Violations(this CapturedRequest request, string service)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BotocoreModels.ValidateRequest(service, request.Method, request.Uri?.AbsolutePath, request.Header("X-Amz-Target"), request.ContentType, request.BodyText);
    }

    extension(ModelAssert)
    {
        /// <summary>Validates a captured request against the service's model and fails on any violation.</summary>
        public static void Conforms(string service, CapturedRequest request) => ModelAssert.Conforms(request.Violations(service));
    }
}
