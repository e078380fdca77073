using Amazon.Runtime;

namespace Deploy.Aws.Tests.Support;

/// <summary>Sessions for tests: fixed region and dummy credentials, no waiting between retries.</summary>
public static class TestSessions
{
    public const string AccessKeyId = "AKIDEXAMPLE";
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// <summary>A session whose HTTP goes to <paramref name="handler"/> (e.g. a <see cref="RecordingHandler"/>).</summary>
    public static AwsSession With(HttpMessageHandler handler, string region = "us-east-1", int maxAttempts = 1) =>
        new(new AwsSessionOptions
        {
            Region = region,
            Credentials = new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
            HttpHandler = handler,
            MaxAttempts = maxAttempts,
            Delay = (_, _) => Task.CompletedTask,
        });

    /// <summary>A session whose every service endpoint is <paramref name="endpoint"/> (via <c>AWS_ENDPOINT_URL</c> in the options' environment).</summary>
    public static AwsSession ForEndpoint(
        Uri endpoint,
        string region = "us-east-1",
        int maxAttempts = 1,
        AWSCredentials? credentials = null,
        RequestRecorder? recorder = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new(new AwsSessionOptions
        {
            Region = region,
            Credentials = credentials ?? new BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = endpoint.ToString() },
            HttpHandler = recorder,
            MaxAttempts = maxAttempts,
            Delay = (_, _) => Task.CompletedTask,
        });
    }

    /// <summary>A session against moto: its endpoint, dummy credentials (<c>testing</c>), region us-east-1.</summary>
    /// <remarks>Pass a <see cref="RequestRecorder"/> to check afterwards what the clients sent against the model.</remarks>
    public static AwsSession ForMoto(MotoServer moto, RequestRecorder? recorder = null, int maxAttempts = 1)
    {
        ArgumentNullException.ThrowIfNull(moto);
        return ForEndpoint(moto.Endpoint, MotoServer.Region, maxAttempts, recorder: recorder);
    }
}
