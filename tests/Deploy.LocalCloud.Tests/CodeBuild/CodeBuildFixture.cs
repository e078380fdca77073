using System.Diagnostics;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CodeBuild;
using Deploy.LocalCloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.CodeBuild;

/// <summary>
/// One local cloud per test class, with CodeBuild's minute shortened to a second (so timeoutInMinutes 5 is 5 s), and the
/// local build image made (or found) once before the first test. The image stays: it is the per-host cache the product
/// keeps (made again only when the host's packages change).
/// </summary>
public sealed class CodeBuildFixture : IAsyncLifetime
{
    public const string Role = "arn:aws:iam::000000000000:role/codebuild-tests";

    private int counter;

    public TestCloud Cloud { get; private set; } = null!;

    public AwsCli Cli => Cloud.Cli;

    /// <summary>How long making (or finding) the build image took, and whether it was made.</summary>
    public TimeSpan ImageTime { get; private set; }

    public string? ImageMade { get; private set; }

    public async Task InitializeAsync()
    {
        Cloud = await TestCloud.StartAsync(configure: builder => builder.WithCodeBuildMinute(TimeSpan.FromSeconds(1)));

        await CreateServiceRoleAsync(Cli);
        var watch = Stopwatch.StartNew();
        (_, ImageMade) = await Cloud.Instance.Services.GetRequiredService<BuildImage>().EnsureLocalAsync(CancellationToken.None);
        ImageTime = watch.Elapsed;
    }

    public async Task DisposeAsync() => await Cloud.DisposeAsync();

    /// <summary>
    /// The projects' service role (<see cref="Role"/>), as a project needs one: CodeBuild may assume it, and with it
    /// CodeBuild writes the build's logs, reads sources and writes artifacts (S3, CodeCommit). Nothing else: a build's
    /// own AWS calls that need more are refused, as on AWS.
    /// </summary>
    public static async Task CreateServiceRoleAsync(AwsCli cli)
    {
        ArgumentNullException.ThrowIfNull(cli);
        await cli.JsonAsync("iam", "create-role", "--role-name", "codebuild-tests", "--assume-role-policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"sts:AssumeRole"}]}""");
        var policy = await cli.RunAsync("iam", "put-role-policy", "--role-name", "codebuild-tests", "--policy-name", "build", "--policy-document",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogStream","logs:PutLogEvents","s3:GetObject","s3:PutObject","s3:GetBucketAcl","s3:GetBucketLocation","codecommit:GitPull"],"Resource":"*"}]}""");
        Assert.True(policy.ExitCode == 0, policy.ToString());
    }

    public string UniqueName(string prefix) => $"{prefix}-{Interlocked.Increment(ref counter)}";

    /// <summary>A NO_SOURCE project running <paramref name="buildspec"/> (inline), with extra JSON members merged in.</summary>
    public async Task<string> ProjectAsync(string buildspec, JsonObject? extra = null)
    {
        var name = UniqueName("proj");
        var project = new JsonObject
        {
            ["name"] = name,
            ["source"] = new JsonObject { ["type"] = "NO_SOURCE", ["buildspec"] = buildspec },
            ["artifacts"] = new JsonObject { ["type"] = "NO_ARTIFACTS" },
            ["environment"] = new JsonObject { ["type"] = "LINUX_CONTAINER", ["image"] = "aws/codebuild/standard:7.0", ["computeType"] = "BUILD_GENERAL1_SMALL" },
            ["serviceRole"] = Role,
        };
        foreach (var (key, value) in extra ?? [])
        {
            project[key] = value?.DeepClone();
        }

        await Cli.JsonAsync("codebuild", "create-project", "--cli-input-json", project.ToJsonString());
        return name;
    }

    public async Task<string> StartAsync(string project, params string[] arguments) =>
        (await Cli.JsonAsync(["codebuild", "start-build", "--project-name", project, .. arguments]))["build"]!["id"]!.GetValue<string>();

    /// <summary>
    /// The build as the aws CLI reads it once complete (waiting in-process, so the CLI runs once; a generous bound:
    /// builds are real containers on a busy machine).
    /// </summary>
    public async Task<JsonObject> CompletedAsync(string id, TimeSpan? bound = null)
    {
        var runs = Cloud.Instance.Services.GetRequiredService<ICodeBuildRuns>();
        var deadline = DateTime.UtcNow + (bound ?? TimeSpan.FromMinutes(2));
        while (runs.Get(id)?["buildComplete"]?.GetValue<bool>() != true)
        {
            Assert.True(DateTime.UtcNow < deadline, $"build {id} not complete: {runs.Get(id)}");
            await Task.Delay(200);
        }

        return (await Cli.JsonAsync("codebuild", "batch-get-builds", "--ids", id))["builds"]![0]!.AsObject();
    }

    public async Task<string> LogAsync(JsonObject build)
    {
        var logs = build["logs"]!;
        var events = await Cli.JsonAsync("logs", "get-log-events", "--log-group-name", logs["groupName"]!.GetValue<string>(),
            "--log-stream-name", logs["streamName"]!.GetValue<string>(), "--start-from-head");
        return string.Join('\n', events["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()));
    }

    public static List<string> Phases(JsonObject build) => [.. build["phases"]!.AsArray().Select(p => p!["phaseType"]!.GetValue<string>())];

    public static JsonObject Phase(JsonObject build, string type) => build["phases"]!.AsArray().Select(p => p!.AsObject()).Single(p => p["phaseType"]!.GetValue<string>() == type);
}
