using System.Text.Json;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.CodeBuild;
using Deploy.Aws.Logs;
using Deploy.Delivery.Release;
using Deploy.Delivery.Tests.Fargate;
using Deploy.Delivery.Tests.Quality;
using Deploy.Testing;
using Deploy.Testing.Moto;

namespace Deploy.Delivery.Tests.Release;

/// <summary>
/// The log tail against CloudWatch Logs as moto implements it (forward tokens, the end of the stream) rather than against
/// our own simulation of it: events written with the aws CLI between pumps are each printed once. CodeBuild, which moto
/// runs without log locations, is faked at the HTTP boundary to name the stream.
/// </summary>
public sealed class BuildLogTailMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime, IDisposable
{
    private const string Group = "/aws/codebuild/sample-service-build";
    private const string Stream = "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b";
    private const string BuildId = "sample-service-build:" + Stream;

    private readonly FakeAws codeBuild = new();
    private readonly RecordingLog log = new();
    private AwsSession session = null!;
    private long timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        session = new AwsSession(new AwsSessionOptions
        {
            Region = MotoServer.Region,
            Credentials = new BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString() },
            MaxAttempts = 2,
        });
        codeBuild.Handlers["BatchGetBuilds"] = _ => FakeAws.Json(new
        {
            builds = new[] { new { id = BuildId, buildStatus = "IN_PROGRESS", logs = new { groupName = Group, streamName = Stream } } },
        });
        await CliAsync("logs", "create-log-group", "--log-group-name", Group);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        session.Dispose();
        codeBuild.Dispose();
    }

    [Fact]
    public async Task Events_written_between_pumps_are_printed_once_each_and_a_pump_at_the_end_of_the_stream_prints_nothing()
    {
        var tail = new BuildLogTail(new CodeBuildClient(codeBuild.Session()), new LogsClient(session), log, keepLines: 3);

        await tail.PumpAsync(BuildId, CancellationToken.None);   // the stream does not exist yet: nothing, no error
        await CliAsync("logs", "create-log-stream", "--log-group-name", Group, "--log-stream-name", Stream);
        await PutAsync("[Container] Entering phase INSTALL", "first", "second");
        await tail.PumpAsync(BuildId, CancellationToken.None);
        await PutAsync("third", "fourth");
        await tail.PumpAsync(BuildId, CancellationToken.None);
        await tail.PumpAsync(BuildId, CancellationToken.None);

        Assert.Equal(["    | [Container] Entering phase INSTALL", "    | first", "    | second", "    | third", "    | fourth"], log.Lines);
        Assert.Equal(["second", "third", "fourth"], tail.LastLines(BuildId));
        Assert.Equal($"{Group} {Stream}", tail.Location(BuildId));
    }

    private Task PutAsync(params string[] messages)
    {
        var events = JsonSerializer.Serialize(messages.Select(m => new { timestamp = timestamp++, message = m }));
        return CliAsync("logs", "put-log-events", "--log-group-name", Group, "--log-stream-name", Stream, "--log-events", events);
    }

    private async Task CliAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("aws", [.. arguments, "--output", "json"], new Dictionary<string, string>
        {
            ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString().TrimEnd('/'),
            ["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = MotoServer.Region,
        });
        Assert.True(result.ExitCode == 0, $"aws {string.Join(' ', arguments)}: {result.Stderr}");
    }
}
