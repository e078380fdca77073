using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests;

/// <summary>
/// The same mistakes, sent by the same aws CLI, must fail with the same codes in moto and in the local cloud.
/// (Not listed: retention of 8 days, which moto accepts but AWS refuses; StsAndLogsCliTests checks it.)
/// </summary>
public sealed class MotoParityTests
{
    private static readonly string[][] Setup =
    [
        ["ecr", "create-repository", "--repository-name", "parity"],
        ["logs", "create-log-group", "--log-group-name", "/parity"],
    ];

    private static readonly string[][] Mistakes =
    [
        ["ecr", "create-repository", "--repository-name", "parity"],
        ["ecr", "create-repository", "--repository-name", "Not_Lower_Case"],
        ["ecr", "create-repository", "--repository-name", "mutability", "--image-tag-mutability", "SOMETIMES"],
        ["ecr", "describe-repositories", "--repository-names", "missing-repo"],
        ["ecr", "delete-repository", "--repository-name", "missing-repo"],
        ["ecr", "describe-images", "--repository-name", "missing-repo"],
        ["ecr", "put-lifecycle-policy", "--repository-name", "missing-repo", "--lifecycle-policy-text", """{"rules":[{"rulePriority":1,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":1},"action":{"type":"expire"}}]}"""],
        ["ecr", "get-lifecycle-policy", "--repository-name", "parity"],
        ["ecr", "batch-get-image", "--repository-name", "missing-repo", "--image-ids", "imageTag=v1"],
        ["ecr", "put-image-tag-mutability", "--repository-name", "missing-repo", "--image-tag-mutability", "IMMUTABLE"],
        ["ecr", "put-image-scanning-configuration", "--repository-name", "missing-repo", "--image-scanning-configuration", "scanOnPush=true"],
        ["ecr", "describe-images", "--repository-name", "parity", "--image-ids", "imageTag=missing"],
        ["logs", "create-log-group", "--log-group-name", "/parity"],
        ["logs", "delete-log-group", "--log-group-name", "/missing"],
        ["logs", "create-log-stream", "--log-group-name", "/missing", "--log-stream-name", "s"],
        ["logs", "put-retention-policy", "--log-group-name", "/missing", "--retention-in-days", "7"],
        ["logs", "describe-log-streams", "--log-group-name", "/missing"],
        ["logs", "put-log-events", "--log-group-name", "/parity", "--log-stream-name", "missing", "--log-events", "timestamp=1,message=x"],
    ];

    [Fact]
    public async Task Duplicate_missing_and_invalid_resources_yield_the_same_error_codes_as_moto()
    {
        await using var moto = await MotoServer.StartAsync();
        await using var cloud = await TestCloud.StartAsync();
        foreach (var command in Setup)
        {
            await moto.Cli.JsonAsync(command);
            await cloud.Cli.JsonAsync(command);
        }

        foreach (var mistake in Mistakes)
        {
            var expected = await moto.Cli.ErrorCodeAsync(mistake);
            var actual = await cloud.Cli.ErrorCodeAsync(mistake);
            Assert.True(expected == actual, $"aws {string.Join(' ', mistake)}: moto says {expected}, local cloud says {actual}");
        }

        cloud.AssertResponsesMatchBotocore();
    }
}
