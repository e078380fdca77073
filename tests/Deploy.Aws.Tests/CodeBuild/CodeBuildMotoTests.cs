using Deploy.Aws.CodeBuild;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CodeBuild;

/// <summary>moto has no UpdateProject; the model tests cover it.</summary>
[Collection(MotoGroup.Name)]
public sealed class CodeBuildMotoTests(MotoServer moto) : MotoTestBase(moto)
{
    private static CreateProjectRequest Project => new()
    {
        Name = "app-build",
        Source = new ProjectSource { Type = "CODECOMMIT", Location = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app", Buildspec = "buildspec.yml" },
        Artifacts = new ProjectArtifacts { Type = "NO_ARTIFACTS" },
        Environment = new ProjectEnvironment
        {
            Type = "LINUX_CONTAINER",
            Image = "aws/codebuild/standard:7.0",
            ComputeType = "BUILD_GENERAL1_SMALL",
            PrivilegedMode = true,
            EnvironmentVariables = [new EnvironmentVariable("TARGET", "Deploy")],
        },
        ServiceRole = $"arn:aws:iam::{MotoServer.AccountId}:role/codebuild-app",
    };

    [Fact]
    public async Task A_project_is_created_read_and_builds_are_started_and_read()
    {
        using var session = MotoSessions.For(Moto);
        var codeBuild = new CodeBuildClient(session);

        var created = await codeBuild.CreateProjectAsync(Project);
        var projects = await codeBuild.BatchGetProjectsAsync(new BatchGetProjectsRequest(["app-build", "missing"]));
        var started = await codeBuild.StartBuildAsync(new StartBuildRequest { ProjectName = "app-build", SourceVersion = "refs/heads/main" });
        var builds = await codeBuild.BatchGetBuildsAsync(new BatchGetBuildsRequest([started.Build!.Id!]));

        Assert.Equal($"arn:aws:codebuild:us-east-1:{MotoServer.AccountId}:project/app-build", created.Project?.Arn);
        var project = Assert.Single(projects.Projects!);
        Assert.Equal("aws/codebuild/standard:7.0", project.Environment?.Image);
        // moto leaves projectsNotFound out; AWS lists the missing names there.
        Assert.StartsWith("app-build:", started.Build.Id, StringComparison.Ordinal);
        Assert.Equal("app-build", Assert.Single(builds.Builds!).ProjectName);
        Assert.NotNull(builds.Builds![0].BuildStatus);
    }

    [Fact]
    public async Task Creating_a_project_twice_fails_with_ResourceAlreadyExistsException()
    {
        using var session = MotoSessions.For(Moto);
        var codeBuild = new CodeBuildClient(session);
        await codeBuild.CreateProjectAsync(Project);

        var error = await Assert.ThrowsAsync<CodeBuildException>(() => codeBuild.CreateProjectAsync(Project));

        Assert.Equal("ResourceAlreadyExistsException", error.Code);
        Assert.Contains("project 'app-build'", error.Message, StringComparison.Ordinal);
    }
}
