using Deploy.Aws.CodeBuild;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CodeBuild;

public sealed class CodeBuildModelConformanceTests
{
    private const string Service = "codebuild";

    private static ProjectEnvironment Environment => new()
    {
        Type = "LINUX_CONTAINER",
        Image = "aws/codebuild/standard:7.0",
        ComputeType = "BUILD_GENERAL1_SMALL",
        PrivilegedMode = true,
        ImagePullCredentialsType = "CODEBUILD",
        EnvironmentVariables =
        [
            new EnvironmentVariable("TARGET", "Deploy"),
            new EnvironmentVariable("DB_PASSWORD", "/app/db-password", "PARAMETER_STORE"),
        ],
    };

    private static readonly Dictionary<string, Func<CodeBuildClient, Task<object?>>> Calls = new()
    {
        ["CreateProject"] = async c => await c.CreateProjectAsync(new CreateProjectRequest
        {
            Name = "app-build",
            Description = "Builds and deploys app",
            Source = new ProjectSource { Type = "CODECOMMIT", Location = "https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app", GitCloneDepth = 1, Buildspec = "buildspec.yml" },
            SourceVersion = "refs/heads/main",
            Artifacts = new ProjectArtifacts { Type = "NO_ARTIFACTS" },
            Cache = new ProjectCache { Type = "LOCAL", Modes = ["LOCAL_DOCKER_LAYER_CACHE", "LOCAL_SOURCE_CACHE"] },
            Environment = Environment,
            ServiceRole = "arn:aws:iam::123456789012:role/codebuild-app",
            TimeoutInMinutes = 30,
            QueuedTimeoutInMinutes = 60,
            Tags = [new CodeBuildTag("app", "web")],
            LogsConfig = new LogsConfig(new CloudWatchLogsConfig("ENABLED", "/codebuild/app", "build")),
            ConcurrentBuildLimit = 1,
        }),
        ["UpdateProject"] = async c => await c.UpdateProjectAsync(new UpdateProjectRequest
        {
            Name = "app-build",
            Environment = Environment,
            Source = new ProjectSource { Type = "CODEPIPELINE", Buildspec = "buildspec.yml" },
            Artifacts = new ProjectArtifacts { Type = "CODEPIPELINE" },
            TimeoutInMinutes = 45,
        }),
        ["BatchGetProjects"] = async c => await c.BatchGetProjectsAsync(new BatchGetProjectsRequest(["app-build"])),
        ["StartBuild"] = async c => await c.StartBuildAsync(new StartBuildRequest
        {
            ProjectName = "app-build",
            SourceVersion = "0123456789abcdef0123456789abcdef01234567",
            EnvironmentVariablesOverride = [new EnvironmentVariable("IMAGE_TAG", "1.2.3")],
            BuildspecOverride = "buildspec.yml",
            PrivilegedModeOverride = true,
            TimeoutInMinutesOverride = 20,
            IdempotencyToken = "deploy-42",
        }),
        ["BatchGetBuilds"] = async c => await c.BatchGetBuildsAsync(new BatchGetBuildsRequest(["app-build:0123"])),
    };

    public static TheoryData<string> Operations => [.. Calls.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public Task Each_operation_sends_a_request_the_model_accepts_and_reads_every_member_it_declares_from_the_models_response(string operation) =>
        ClientConformance.CheckAsync(Service, operation, s => new CodeBuildClient(s), Calls[operation]);

    [Fact]
    public void The_client_covers_every_CodeBuild_operation_the_build_needs()
    {
        string[] needed = ["CreateProject", "UpdateProject", "BatchGetProjects", "StartBuild", "BatchGetBuilds"];

        Assert.Equal(needed.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Environment_variable_values_stay_out_of_printed_records()
    {
        Assert.DoesNotContain("hunter2", new EnvironmentVariable("PASSWORD", "hunter2").ToString(), StringComparison.Ordinal);
    }
}
