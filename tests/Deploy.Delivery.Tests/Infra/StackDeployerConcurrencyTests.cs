using System.Text.Json.Nodes;
using Deploy.Aws.Logs;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// Two ProvisionInfra runs on one stack at once, as two people (or two CI jobs) start them: two real StackDeployers against
/// one real local cloud. The stack here is small (a log group whose retention is the setting that differs, and a
/// repository), so the races are about CloudFormation's change sets, not about the platform's resources.
/// </summary>
public sealed class StackDeployerConcurrencyTests
{
    private const string Stack = "shared";

    [Fact]
    public async Task Two_runs_that_plan_at_the_same_moment_both_succeed_the_last_to_apply_wins_and_no_change_set_is_left()
    {
        await using var account = await LocalCloudAccount.StartAsync();
        await account.Deployer(new RecordingLog()).DeployAsync(Options(account, retention: 30, "first"));

        // Both runs print their plan before either executes: each waits at its first plan line for the other's.
        using var bothPlanned = new Barrier(2);
        var logA = new PlanBarrierLog(bothPlanned);
        var logB = new PlanBarrierLog(bothPlanned);
        var runs = await Task.WhenAll(
            Task.Run(() => account.Deployer(logA).DeployAsync(Options(account, retention: 7, "a"))),
            Task.Run(() => account.Deployer(logB).DeployAsync(Options(account, retention: 14, "b"))));

        var stale = new[] { (Log: logA, Retention: 7), (Log: logB, Retention: 14) }.Where(r => r.Log.Lines.Any(IsStale)).ToList();
        var loser = Assert.Single(stale);
        var lines = loser.Log.Lines;
        var staleAt = lines.ToList().FindIndex(IsStale);
        var plans = lines.Select((line, index) => (line, index)).Where(p => p.line.StartsWith($"Plan for stack {Stack}: ", StringComparison.Ordinal)).ToList();

        Assert.Equal([StackDeployOutcome.Updated, StackDeployOutcome.Updated], runs.Select(r => r.Outcome));
        Assert.Equal(loser.Retention, await RetentionAsync(account));
        Assert.Matches(@"^Change set deploy-\S+ went stale \((OBSOLETE|InvalidChangeSetStatus)\): another operation changed the stack after this run planned", lines[staleAt]);
        // The plan printed last is the one applied: made after the stale one, against the other run's result.
        Assert.Equal(2, plans.Count);
        Assert.True(plans[1].index > staleAt, string.Join('\n', lines));
        Assert.Contains(lines, l => l == $"Stack {Stack} is UPDATE_COMPLETE: {plans[1].line[$"Plan for stack {Stack}: ".Length..]} applied.");
        Assert.Empty((await account.CloudFormation.ListChangeSetsAsync(Stack)).Summaries);
    }

    [Fact]
    public async Task A_run_that_finds_another_operation_in_progress_waits_for_it_then_plans_against_its_result()
    {
        // Each log group change takes 4 s here, long enough to meet the other run's update in progress.
        await using var account = await LocalCloudAccount.StartAsync(b => b.WithProvisioningDelay("AWS::Logs::LogGroup", TimeSpan.FromSeconds(4)));
        await account.Deployer(new RecordingLog()).DeployAsync(Options(account, retention: 30, "first"));

        var first = Task.Run(() => account.Deployer(new RecordingLog()).DeployAsync(Options(account, retention: 7, "a")));
        await UntilAsync(async () => (await account.CloudFormation.FindStackAsync(Stack))?.StackStatus == "UPDATE_IN_PROGRESS");
        var log = new RecordingLog();
        var second = await account.Deployer(log).DeployAsync(Options(account, retention: 14, "b"));
        await first;

        Assert.Equal(StackDeployOutcome.Updated, second.Outcome);
        Assert.Contains(log.Lines, l => l.StartsWith($"Stack {Stack} is UPDATE_IN_PROGRESS: another run is changing it, or one was interrupted", StringComparison.Ordinal));
        Assert.Contains($"Stack {Stack} settled: UPDATE_COMPLETE", log.Lines);
        Assert.Equal(14, await RetentionAsync(account));
        Assert.Empty((await account.CloudFormation.ListChangeSetsAsync(Stack)).Summaries);
    }

    private static bool IsStale(string line) => line.Contains(" went stale ", StringComparison.Ordinal);

    private static StackDeployOptions Options(LocalCloudAccount account, int retention, string run) =>
        account.Options(Settings(retention), Stack, run) with { RenderTemplate = SmallTemplate };

    private static PlatformSettings Settings(int retention) => new()
    {
        LogRetentionDays = retention,
        VpcId = "vpc-0123456789abcdef0",
        SubnetIds = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
    };

    /// <summary>A log group with the settings' retention and a repository, taking the ServiceName parameter ProvisionInfra passes.</summary>
    private static string SmallTemplate(PlatformSettings settings) => new JsonObject
    {
        ["Parameters"] = new JsonObject { [PlatformTemplate.ServiceNameParameter] = new JsonObject { ["Type"] = "String" } },
        ["Resources"] = new JsonObject
        {
            ["Logs"] = new JsonObject
            {
                ["Type"] = "AWS::Logs::LogGroup",
                ["Properties"] = new JsonObject { ["LogGroupName"] = "/shared/app", ["RetentionInDays"] = settings.LogRetentionDays },
            },
            ["Repository"] = new JsonObject
            {
                ["Type"] = "AWS::ECR::Repository",
                ["Properties"] = new JsonObject { ["RepositoryName"] = new JsonObject { ["Ref"] = PlatformTemplate.ServiceNameParameter } },
            },
        },
    }.ToJsonString();

    private static async Task<int?> RetentionAsync(LocalCloudAccount account)
    {
        var groups = await new LogsClient(account.Session).DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/shared/app" });
        return Assert.Single(groups.LogGroups ?? []).RetentionInDays;
    }

    private static async Task UntilAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException("the condition did not hold within 15 s");
    }

    /// <summary>Records lines; at the first plan line it waits (bounded) until the other run has printed its plan too.</summary>
    private sealed class PlanBarrierLog(Barrier barrier) : IBuildLog
    {
        private readonly RecordingLog inner = new();
        private int planned;

        public IReadOnlyList<string> Lines => inner.Lines;

        public bool IsQuiet => false;

        public void Information(string message)
        {
            inner.Information(message);
            if (message.StartsWith("Plan for stack", StringComparison.Ordinal) && Interlocked.Exchange(ref planned, 1) == 0
                && !barrier.SignalAndWait(TimeSpan.FromSeconds(60)))
            {
                throw new TimeoutException("the other run never printed its plan");
            }
        }

        public void Warning(string message) => inner.Warning(message);

        public void Error(string message) => inner.Error(message);

        public void Debug(string message) => inner.Debug(message);

        public void Write(string text) => inner.Write(text);
    }
}
