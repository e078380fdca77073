using Deploy.LocalCloud.Tests.CodeCommit;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// The data planes under enforcement with real clients: Docker pushing and pulling with a role session's ECR password,
/// and git (through the aws CLI's credential helper) cloning and pushing with the session's keys.
/// </summary>
public sealed class DataPlaneEnforcementTests
{
    [Fact]
    public async Task Docker_pushes_and_pulls_as_the_session_that_asked_for_the_password_and_is_denied_elsewhere()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        await using var docker = new DockerCli();
        var session = await RoleSession.StartAsync(cloud, "pusher", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"},
              {"Effect":"Allow","Action":["ecr:BatchCheckLayerAvailability","ecr:InitiateLayerUpload","ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload","ecr:PutImage","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],
               "Resource":"arn:aws:ecr:us-east-1:000000000000:repository/pushed"}]}
            """);
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "pushed");
        await cloud.Cli.JsonAsync("ecr", "create-repository", "--repository-name", "other");
        var source = await docker.ImportTinyImageAsync($"localcloud-test/tiny:{Guid.NewGuid():N}", "as a role");
        var password = await session.Cli.RunAsync("ecr", "get-login-password");
        Assert.True(password.ExitCode == 0, password.ToString());
        await docker.MustRunAsync(["login", "--username", "AWS", "--password-stdin", cloud.Instance.RegistryHost], stdin: password.Stdout);
        var (pushed, other) = ($"{cloud.Instance.RegistryHost}/pushed:v1", $"{cloud.Instance.RegistryHost}/other:v1");

        await docker.MustRunAsync(["tag", source, pushed]);
        await docker.MustRunAsync(["tag", source, other]);
        await docker.MustRunAsync(["push", pushed]);
        var refused = await docker.RunAsync(["push", other]);
        await docker.MustRunAsync(["rmi", pushed, other, source]);
        var pull = await docker.RunAsync(["pull", pushed]);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains($"denied: User: {session.Arn} is not authorized to perform: ecr:", refused.Stderr, StringComparison.Ordinal);
        Assert.Contains("on resource: arn:aws:ecr:us-east-1:000000000000:repository/other because no identity-based policy allows", refused.Stderr, StringComparison.Ordinal);
        Assert.True(pull.ExitCode == 0, pull.ToString());
        var images = await cloud.Cli.JsonAsync("ecr", "describe-images", "--repository-name", "other");
        Assert.Empty(images["imageDetails"]!.AsArray());
    }

    [Fact]
    public async Task Git_clones_with_GitPull_and_pushes_with_GitPush_limited_by_the_refs_pushed()
    {
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforced());
        // AWS's documented way to protect a branch: deny GitPush when the pushed refs include it (Null for the
        // advertisement, which names no refs).
        var session = await RoleSession.StartAsync(cloud, "developer", """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["codecommit:GitPull","codecommit:GitPush"],"Resource":"arn:aws:codecommit:us-east-1:000000000000:app"},
              {"Effect":"Deny","Action":"codecommit:GitPush","Resource":"arn:aws:codecommit:us-east-1:000000000000:app",
               "Condition":{"StringEqualsIfExists":{"codecommit:References":["refs/heads/main"]},"Null":{"codecommit:References":"false"}}}]}
            """);
        using var git = new GitClient(cloud.Instance, session.Secret, session.Token, session.Key);
        var app = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "app"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var other = (await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "other"))["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var work = git.Path("work");

        var cloned = await git.RunAsync(git.Path(""), "clone", app, work);
        var commit = await git.CommitAsync(work, "feature work");
        var feature = await git.RunAsync(work, "push", "-q", "origin", "HEAD:refs/heads/feature");
        var main = await git.RunAsync(work, "push", "-q", "origin", "HEAD:refs/heads/main");
        var otherClone = await git.RunAsync(git.Path(""), "clone", other, git.Path("other"));

        Assert.True(cloned.ExitCode == 0 && feature.ExitCode == 0, $"{cloned}\n{feature}");
        Assert.NotEqual(0, main.ExitCode);
        Assert.Contains("The requested URL returned error: 403", main.Stderr, StringComparison.Ordinal);
        Assert.NotEqual(0, otherClone.ExitCode);
        Assert.Contains("The requested URL returned error: 403", otherClone.Stderr, StringComparison.Ordinal);
        var branch = (await cloud.Cli.JsonAsync("codecommit", "get-branch", "--repository-name", "app", "--branch-name", "feature"))["branch"]!;
        Assert.Equal(commit, branch["commitId"]!.GetValue<string>());
        Assert.Equal("BranchDoesNotExistException", await cloud.Cli.ErrorCodeAsync("codecommit", "get-branch", "--repository-name", "app", "--branch-name", "main"));
    }
}
