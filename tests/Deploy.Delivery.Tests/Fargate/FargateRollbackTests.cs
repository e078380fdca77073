using Deploy.Delivery.Fargate;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class FargateRollbackTests : IDisposable
{
    private readonly DeployWorld world = new();

    public void Dispose() => world.Dispose();

    private static RollbackOptions Options => new() { Cluster = DeployWorld.Cluster, ServiceName = DeployWorld.Service };

    [Fact]
    public async Task Rollback_redeploys_the_previous_active_revision_and_waits_for_it()
    {
        world.Given("sample-service:1", "sample-service:2", "sample-service:3", "sample-service:4");
        world.Deregister("sample-service:3");

        var result = await world.Rollback().RollbackAsync(Options);

        Assert.Equal((DeployOutcome.RolledBack, "sample-service:2"), (result.Outcome, result.TaskDefinition));
        Assert.StartsWith("rolled back to sample-service:2 in ", result.Summary, StringComparison.Ordinal);
        Assert.Equal(["UpdateService"], world.Mutations);
        var update = Assert.Single(world.Fake.Calls, c => c.Operation == "UpdateService").Body;
        Assert.Equal(DeployWorld.Arn("sample-service:2"), update["taskDefinition"]!.GetValue<string>());
        Assert.Contains(world.Log.Lines, l => l.Contains("sample-service runs sample-service:2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollback_to_a_revision_whose_execution_role_no_longer_exists_is_refused_before_the_service_is_touched()
    {
        world.Given("sample-service:1", "sample-service:2");
        world.Roles.Remove(DeployWorld.ExecutionRole);

        var error = await Assert.ThrowsAsync<DeployException>(() => world.Rollback().RollbackAsync(Options));

        Assert.StartsWith($"Cannot roll back to sample-service:1: its execution role {DeployWorld.ExecutionRole} no longer exists", error.Message, StringComparison.Ordinal);
        Assert.Contains($"./build.sh DeployFargate --deploy-image {DeployWorld.Repository}@sha256:{new string('0', 63)}1", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was changed.", error.Message, StringComparison.Ordinal);
        Assert.Empty(world.Mutations);
        Assert.Contains(world.Fake.Calls, c => c.Operation == "GetRole" && c.Body["RoleName"]!.GetValue<string>() == "sample-service-execution");
    }

    [Fact]
    public async Task A_rollback_dry_run_to_a_revision_whose_roles_are_gone_warns_and_touches_nothing()
    {
        world.Given("sample-service:1", "sample-service:2");
        world.Roles.Clear();

        var result = await world.Rollback().RollbackAsync(Options with { DryRun = true });

        Assert.Equal(DeployOutcome.DryRun, result.Outcome);
        Assert.Empty(world.Mutations);
        Assert.Contains(world.Log.Lines, l => l.Contains("Cannot roll back to sample-service:1: its execution role", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollback_with_no_earlier_revision_fails_clearly()
    {
        world.Given("sample-service:1");

        var error = await Assert.ThrowsAsync<DeployException>(() => world.Rollback().RollbackAsync(Options));

        Assert.Equal("There is no ACTIVE revision of sample-service before sample-service:1 (the service's current one) to roll back to.", error.Message);
        Assert.Empty(world.Mutations);
    }

    [Fact]
    public async Task Rollback_of_a_missing_service_fails_clearly()
    {
        var error = await Assert.ThrowsAsync<DeployException>(() => world.Rollback().RollbackAsync(Options));

        Assert.Contains("does not exist; there is nothing to roll back", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollback_dry_run_shows_the_diff_and_touches_nothing()
    {
        world.Given("sample-service:1", "sample-service:2");

        var result = await world.Rollback().RollbackAsync(Options with { DryRun = true });

        Assert.Equal(DeployOutcome.DryRun, result.Outcome);
        Assert.Empty(world.Mutations);
        Assert.Contains("Service sample-service would go from sample-service:2 back to sample-service:1:", world.Log.Lines);
        Assert.Contains(world.Log.Lines, l => l.Contains($"+       \"image\": \"{DeployWorld.Repository}@sha256:{new string('0', 63)}1\"", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(5, "sample-service:4")]
    [InlineData(3, "sample-service:1")]
    [InlineData(1, null)]
    public void The_previous_revision_is_the_highest_active_one_below_the_current_of_the_same_family(int current, string? expected)
    {
        string[] active = ["sample-service:7", "sample-service:4", "sample-service:1", "sample-service-canary:4", "other:2"];

        var previous = FargateRollback.PreviousRevision(active.Select(DeployWorld.Arn), "sample-service", current);

        Assert.Equal(expected is null ? null : DeployWorld.Arn(expected), previous);
    }
}
