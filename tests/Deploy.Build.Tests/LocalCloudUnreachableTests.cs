namespace Deploy.Build.Tests;

/// <summary>A local cloud that does not answer (its env file left behind, the process gone) is named, with the way back.</summary>
[Collection(BuildScriptGroup.Name)]
public sealed class LocalCloudUnreachableTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("deploy-unreachable-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public async Task A_refused_connection_says_the_local_cloud_is_not_answering_and_how_to_restart_it()
    {
        // DestroyInfra does not start the local cloud, so it meets the stale env file; nothing listens on the discard port.
        var env = Directory.CreateDirectory(Path.Combine(root, ".nuke", "temp", "local-cloud")).FullName;
        await File.WriteAllTextAsync(Path.Combine(env, "env"),
            "AWS_ENDPOINT_URL=http://127.0.0.1:9\nAWS_ACCESS_KEY_ID=local\nAWS_SECRET_ACCESS_KEY=localsecret\nAWS_REGION=us-east-1\n");

        var result = await BuildScript.RunAsync("DestroyInfra", "--root", root, "--aws-max-attempts", "1");

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines, l => l.StartsWith("Error:", StringComparison.Ordinal));
        Assert.Contains("http://127.0.0.1:9 refused the connection", line, StringComparison.Ordinal);
        Assert.Contains("the local cloud is not answering; restart it with ./build.sh LocalCloud", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Output + result.Error, StringComparison.Ordinal);
    }
}
