using System.Collections.Concurrent;
using Deploy.LocalCloud.Hosting;
using Deploy.Testing.Botocore;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// A real local cloud on a free loopback port for one test, recording every API response it sends so the
/// test can check them all against botocore's output shapes.
/// </summary>
public sealed class TestCloud : IAsyncDisposable
{
    private readonly ConcurrentQueue<ApiExchange> responses;
    private readonly TempDirectory? ownedState;

    private TestCloud(LocalCloudInstance instance, ConcurrentQueue<ApiExchange> responses, TempDirectory? ownedState)
    {
        Instance = instance;
        this.responses = responses;
        this.ownedState = ownedState;
        Cli = AwsCli.For(instance);
    }

    public LocalCloudInstance Instance { get; }

    public AwsCli Cli { get; }

    public IReadOnlyCollection<ApiExchange> Responses => responses;

    public static async Task<TestCloud> StartAsync(string? stateDirectory = null, Action<LocalCloudBuilder>? configure = null)
    {
        var owned = stateDirectory is null ? new TempDirectory() : null;
        var recorded = new ConcurrentQueue<ApiExchange>();
        var builder = new LocalCloudBuilder()
            .WithStateDirectory(stateDirectory ?? owned!.Path)
            .WithResponseObserver(recorded.Enqueue);
        configure?.Invoke(builder);
        var instance = await builder.BuildAsync();
        return new TestCloud(instance, recorded, owned);
    }

    /// <summary>Every response seen so far must fit botocore's shape for its operation (or be a well-formed error), EC2's included.</summary>
    public void AssertResponsesMatchBotocore()
    {
        Assert.NotEmpty(responses);
        ModelAssert.Conforms(responses.SelectMany(ExchangeConformance.Violations).Distinct());
    }

    public async ValueTask DisposeAsync()
    {
        await Instance.DisposeAsync();
        ownedState?.Dispose();
    }
}
