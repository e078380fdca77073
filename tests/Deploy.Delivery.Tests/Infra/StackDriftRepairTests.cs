using Deploy.Aws.Ecs;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// ProvisionInfra on a platform whose resources were deleted or changed by hand (with the aws CLI, as from the console),
/// on a real local cloud with the whole platform template: an unchanged plan is checked once for drift, deleted
/// resources are recreated through the two updates CloudFormation needs, hand edits are reported and left alone.
/// </summary>
public sealed class StackDriftRepairTests
{
    private static readonly string[] Deleted = ["Cluster", "Listener", "Repository", "ServiceLogGroup", "TargetGroup"];

    [Fact]
    public async Task Resources_deleted_by_hand_are_found_by_one_drift_check_and_recreated_and_a_property_changed_by_hand_is_reported_and_left_alone()
    {
        await using var account = await LocalCloudAccount.StartAsync();
        var options = account.Options(new PlatformSettings());
        var created = await account.Deployer(new RecordingLog()).DeployAsync(options);
        var before = await account.ResourcesAsync("platform");

        await account.AwsAsync("ecr", "delete-repository", "--repository-name", "sample-service", "--force");
        await account.AwsAsync("ecs", "delete-cluster", "--cluster", "sample-service");
        await account.AwsAsync("logs", "delete-log-group", "--log-group-name", "/ecs/sample-service");
        await account.AwsAsync("elbv2", "delete-listener", "--listener-arn", before["Listener"].PhysicalResourceId!);
        await account.AwsAsync("elbv2", "delete-target-group", "--target-group-arn", before["TargetGroup"].PhysicalResourceId!);

        // Plan only: the drift is reported, nothing is recreated.
        var planLog = new RecordingLog();
        var planned = await account.Deployer(planLog).DeployAsync(options with { PlanOnly = true, OutputsPath = null });
        Assert.Equal(StackDeployOutcome.Planned, planned.Outcome);
        var wouldRecreate = Assert.Single(planLog.Lines, l => l.StartsWith("Plan only: ProvisionInfra would recreate ", StringComparison.Ordinal));
        Assert.All(Deleted, id => Assert.Contains(id + " (AWS::", wouldRecreate, StringComparison.Ordinal));
        Assert.EndsWith("nothing was changed.", wouldRecreate, StringComparison.Ordinal);
        var clusters = (await new EcsClient(account.Session).DescribeClustersAsync(new DescribeClustersRequest { Clusters = ["sample-service"] })).Clusters;
        Assert.DoesNotContain(clusters ?? [], c => c.Status == "ACTIVE");

        var log = new RecordingLog();
        var repaired = await account.Deployer(log).DeployAsync(options);
        var after = await account.ResourcesAsync("platform");
        var plans = log.Lines.Where(l => l.StartsWith("Plan for stack platform: ", StringComparison.Ordinal)).ToList();

        Assert.Equal(StackDeployOutcome.Updated, repaired.Outcome);
        Assert.Equal(Deleted, repaired.Repaired.Select(r => r.LogicalId).Order(StringComparer.Ordinal));
        Assert.Single(log.Lines, l => l.StartsWith("Checking stack platform for drift (one DetectStackDrift per run)", StringComparison.Ordinal));
        Assert.Contains("Drift: Repository (AWS::ECR::Repository, sample-service) was DELETED outside CloudFormation.", log.Lines);
        // Step 1 removes exactly the deleted resources; step 2 adds them back (their users show as Dynamic modifications).
        Assert.Equal(2, plans.Count);
        Assert.Equal("Plan for stack platform: 0 to add, 0 to modify, 5 to remove", plans[0]);
        Assert.Matches("^Plan for stack platform: 5 to add, [0-9]+ to modify, 0 to remove$", plans[1]);
        Assert.Contains(log.Lines, l => l.StartsWith("Step 1 of 2 done: ", StringComparison.Ordinal));
        Assert.All(after.Values, r => Assert.True(r.ResourceStatus is "CREATE_COMPLETE" or "UPDATE_COMPLETE", $"{r.LogicalResourceId} is {r.ResourceStatus}"));
        Assert.Equal(created.Outputs.Count, repaired.Outputs.Count);

        // Really there again, and wired: the new target group's ARN reached the listener and the outputs.
        var platform = repaired.Platform;
        Assert.NotEqual(before["TargetGroup"].PhysicalResourceId, platform.TargetGroupArn);
        var listener = (await account.AwsAsync("elbv2", "describe-listeners", "--listener-arns", after["Listener"].PhysicalResourceId!))["Listeners"]![0]!;
        Assert.Equal(platform.TargetGroupArn, listener["DefaultActions"]![0]!["TargetGroupArn"]!.GetValue<string>());
        Assert.Equal("ACTIVE", (await account.AwsAsync("ecs", "describe-clusters", "--clusters", "sample-service"))["clusters"]![0]!["status"]!.GetValue<string>());
        Assert.Equal(30, (await account.AwsAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/sample-service"))["logGroups"]![0]!["retentionInDays"]!.GetValue<int>());

        // A hand edit: reported with its path and values, not reverted, the run succeeds.
        await account.AwsAsync("ecr", "put-image-tag-mutability", "--repository-name", "sample-service", "--image-tag-mutability", "MUTABLE");
        var editLog = new RecordingLog();
        var unchanged = await account.Deployer(editLog).DeployAsync(options);

        Assert.Equal(StackDeployOutcome.Unchanged, unchanged.Outcome);
        // The local CloudFormation answers GetTemplate and the parameters as AWS does: no change set was needed to say so,
        // and the stack's last detection (DRIFTED) makes this run detect again.
        Assert.Contains(editLog.Lines, l => l.StartsWith("Stack platform is unchanged: it is UPDATE_COMPLETE", StringComparison.Ordinal));
        Assert.Contains("Drift: Repository (AWS::ECR::Repository, sample-service) was MODIFIED outside CloudFormation: /ImageTagMutability is MUTABLE (template: IMMUTABLE).", editLog.Lines);
        Assert.Equal("MUTABLE", (await account.AwsAsync("ecr", "describe-repositories", "--repository-names", "sample-service"))["repositories"]![0]!["imageTagMutability"]!.GetValue<string>());
    }
}
