using Deploy.Aws.Tests.Core;

namespace Deploy.Aws.Tests.Support;

/// <summary>
/// The per-operation model check of the JSON 1.1 clients: on a session whose handler answers with the model's sample
/// response, one call sends exactly one request of that operation which botocore's model accepts, and the response
/// record keeps every member of the sample (<see cref="ResponseConformance"/>).
/// </summary>
internal static class ClientConformance
{
    /// <summary>What a call returns for an operation whose response the client does not read (e.g. DeleteLogGroup).</summary>
    public static readonly object NoResponse = new();

    /// <summary>Adapts a call without a response for a calls table: <c>c =&gt; Nothing(c.DeleteLogGroupAsync(..))</c>.</summary>
    public static async Task<object?> Nothing(Task call)
    {
        ArgumentNullException.ThrowIfNull(call);
        await call;
        return NoResponse;
    }

    /// <summary>Runs <paramref name="call"/> on a client made by <paramref name="client"/> and checks request and response
    /// against <paramref name="service"/>'s model; returns the request for further checks.</summary>
    public static async Task<CapturedRequest> CheckAsync<TClient>(
        string service,
        string operation,
        Func<AwsSession, TClient> client,
        Func<TClient, Task<object?>> call)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(call);
        using var handler = RecordingHandler.AnsweringWithSamples(service);
        using var session = OfflineSession.For(handler);

        var response = await call(client(session));

        var request = Assert.Single(handler.Requests);
        Assert.Equal(operation, request.Operation);
        ModelAssert.Conforms(service, request);
        Assert.NotNull(response);
        if (response != NoResponse)
        {
            ModelAssert.Conforms(ResponseConformance.Check(service, operation, response));
        }

        return request;
    }
}
