using System.Globalization;
using System.Security;
using System.Text.Json.Nodes;
using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// ProvisionInfra's "unchanged" without a change set: the stack's template and parameter values compared with what the
/// run would deploy (the equality CloudFormation answers with an empty change set), and when drift detection is due.
/// </summary>
public sealed class StackUnchangedTests : IDisposable
{
    private const string Name = "platform";
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 3, 0, 0, TimeSpan.Zero);
    private static readonly PlatformSettings Settings = new() { VpcId = "vpc-0123456789abcdef0", SubnetIds = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] };
    private static readonly string Template = PlatformTemplate.Render(Settings);
    private static readonly StackParameter[] Passed = [new(PlatformTemplate.ServiceNameParameter, "sample-service")];

    private readonly FakeCloudFormation fake = new();
    private readonly RecordingLog log = new();
    private readonly string directory = Directory.CreateTempSubdirectory("stack-unchanged-").FullName;

    public void Dispose()
    {
        fake.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    /// <summary>What DescribeStacks reports for a stack deployed with <see cref="Settings"/>: passed values and defaults.</summary>
    private static Dictionary<string, string> DeployedValues() => new(StringComparer.Ordinal)
    {
        [PlatformTemplate.ServiceNameParameter] = "sample-service",
        [PlatformTemplate.VpcIdParameter] = "vpc-0123456789abcdef0",
        [PlatformTemplate.SubnetIdsParameter] = "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
    };

    private static StackDescription Stack(string status = "UPDATE_COMPLETE", Dictionary<string, string>? values = null, StackDriftInformation? drift = null) => new()
    {
        StackName = Name,
        StackStatus = status,
        Parameters = [.. (values ?? DeployedValues()).Select(v => new StackParameter(v.Key, v.Value))],
        DriftInformation = drift,
    };

    [Fact]
    public void The_same_template_in_other_whitespace_with_the_same_values_and_defaults_is_unchanged()
    {
        var reformatted = JsonNode.Parse(Template)!.ToJsonString();

        Assert.NotEqual(Template, reformatted);
        Assert.True(StackUnchanged.Matches(Stack(), reformatted, Template, Passed));
        Assert.True(StackUnchanged.Matches(Stack("CREATE_COMPLETE"), Template, Template, Passed));
    }

    [Fact]
    public void Another_template_another_value_or_a_state_without_a_settled_template_leaves_the_decision_to_a_change_set()
    {
        var otherTemplate = PlatformTemplate.Render(Settings with { LogRetentionDays = 7 });
        var otherService = DeployedValues();
        otherService[PlatformTemplate.ServiceNameParameter] = "other-service";
        var missing = DeployedValues();
        missing.Remove(PlatformTemplate.SubnetIdsParameter);

        Assert.False(StackUnchanged.Matches(Stack(), otherTemplate, Template, Passed));
        Assert.False(StackUnchanged.Matches(Stack(values: otherService), Template, Template, Passed));
        Assert.False(StackUnchanged.Matches(Stack(values: missing), Template, Template, Passed));
        Assert.False(StackUnchanged.Matches(Stack("UPDATE_ROLLBACK_COMPLETE"), Template, Template, Passed));
        Assert.False(StackUnchanged.Matches(Stack("UPDATE_IN_PROGRESS"), Template, Template, Passed));
        Assert.False(StackUnchanged.Matches(Stack(), "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n", Template, Passed));
        Assert.False(StackUnchanged.Matches(Stack(), null, Template, Passed));
        var resolved = Stack() with { Parameters = [.. Stack().Parameters!.Select(p => p with { ResolvedValue = "ami-0123" })] };
        Assert.False(StackUnchanged.Matches(resolved, Template, Template, Passed));
    }

    [Theory]
    [InlineData("IN_SYNC", 10, 60, false)]
    [InlineData("IN_SYNC", 61, 60, true)]
    [InlineData("IN_SYNC", 10, 0, true)]
    [InlineData("DRIFTED", 10, 60, true)]
    [InlineData("UNKNOWN", 10, 60, true)]
    [InlineData("NOT_CHECKED", null, 60, true)]
    public void Drift_detection_is_skipped_only_after_a_recent_in_sync_result(string status, int? minutesAgo, int intervalMinutes, bool due)
    {
        var drift = new StackDriftInformation(status, minutesAgo is { } m ? Now.AddMinutes(-m) : null);

        var (isDue, reason) = StackUnchanged.DriftCheckDue(Stack(drift: drift), Now, TimeSpan.FromMinutes(intervalMinutes));

        Assert.Equal(due, isDue);
        Assert.False(string.IsNullOrWhiteSpace(reason));
    }

    [Fact]
    public async Task An_unchanged_stack_checked_in_sync_recently_costs_DescribeStacks_and_GetTemplate_and_no_change_set()
    {
        Serve(Template, Now.AddMinutes(-5));
        using var session = fake.Session();

        var result = await Deployer(session).DeployAsync(Options());

        Assert.Equal(StackDeployOutcome.Unchanged, result.Outcome);
        Assert.Equal(["DescribeStacks", "GetTemplate"], fake.Actions);
        Assert.Equal("Original", fake.Calls.Single(c => c.Action == "GetTemplate")["TemplateStage"]);
        Assert.Contains(log.Lines, l => l.StartsWith("Stack platform is unchanged: it is UPDATE_COMPLETE with the template and parameters", StringComparison.Ordinal));
        Assert.Contains(log.Lines, l => l.StartsWith("Drift detection of stack platform skipped: IN_SYNC at the last drift detection 5 min ago", StringComparison.Ordinal));
        Assert.Equal("value-of-ClusterName", result.Platform.ClusterName);
    }

    [Fact]
    public async Task An_unchanged_stack_whose_last_check_is_old_is_checked_for_drift_and_still_plans_no_change_set()
    {
        Serve(Template, Now.AddHours(-2));
        fake.Handlers["DetectStackDrift"] = _ => "<StackDriftDetectionId>d-1</StackDriftDetectionId>";
        fake.Handlers["DescribeStackDriftDetectionStatus"] = _ => "<StackId>x</StackId><StackDriftDetectionId>d-1</StackDriftDetectionId>"
            + "<StackDriftStatus>IN_SYNC</StackDriftStatus><DetectionStatus>DETECTION_COMPLETE</DetectionStatus><Timestamp>2026-12-03T03:00:00Z</Timestamp>";
        fake.Handlers["DescribeStackResourceDrifts"] = _ => "<StackResourceDrifts></StackResourceDrifts>";
        using var session = fake.Session();

        var result = await Deployer(session).DeployAsync(Options());

        Assert.Equal(StackDeployOutcome.Unchanged, result.Outcome);
        Assert.Equal(["DescribeStacks", "GetTemplate", "DetectStackDrift", "DescribeStackDriftDetectionStatus", "DescribeStackResourceDrifts"], fake.Actions);
    }

    [Fact]
    public async Task A_changed_template_is_planned_with_a_change_set()
    {
        Serve(PlatformTemplate.Render(Settings with { LogRetentionDays = 7 }), Now.AddMinutes(-5));
        fake.Handlers["CreateChangeSet"] = _ => "<Id>cs-1</Id><StackId>" + FakeCloudFormation.StackId(Name) + "</StackId>";
        fake.Handlers["DescribeChangeSet"] = call => FakeCloudFormation.ChangeSet(call["ChangeSetName"]!, "CREATE_COMPLETE", null, ("Modify", "ServiceLogGroup", "AWS::Logs::LogGroup", "False"));
        fake.Handlers["DeleteChangeSet"] = _ => "";
        using var session = fake.Session();

        var result = await Deployer(session).DeployAsync(Options() with { PlanOnly = true, OutputsPath = null });

        Assert.Equal(StackDeployOutcome.Planned, result.Outcome);
        Assert.Equal(["DescribeStacks", "GetTemplate", "CreateChangeSet"], fake.Actions.Take(3));
    }

    private StackDeployer Deployer(Deploy.Aws.AwsSession session) =>
        new(new CloudFormationClient(session), new NoNetwork(), log, new FixedClock(Now));

    private StackDeployOptions Options() => new()
    {
        StackName = Name,
        Settings = Settings,
        TemplatePath = Path.Combine(directory, "template.json"),
        OutputsPath = Path.Combine(directory, "outputs.json"),
        PollInterval = TimeSpan.FromMilliseconds(10),
    };

    /// <summary>A settled stack deployed with <see cref="Settings"/>, whose GetTemplate returns <paramref name="deployed"/>.</summary>
    private void Serve(string deployed, DateTimeOffset lastInSync)
    {
        var parameters = "<Parameters>" + string.Concat(DeployedValues().Select(v =>
            $"<member><ParameterKey>{v.Key}</ParameterKey><ParameterValue>{v.Value}</ParameterValue></member>")) + "</Parameters>";
        var drift = "<DriftInformation><StackDriftStatus>IN_SYNC</StackDriftStatus><LastCheckTimestamp>"
            + lastInSync.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) + "</LastCheckTimestamp></DriftInformation>";
        var outputs = PlatformOutputNames.All.ToDictionary(n => n, n => n switch
        {
            PlatformOutputNames.LoadBalancerUrl => "http://platform-alb-123.us-east-1.elb.amazonaws.com",
            PlatformOutputNames.CodeCommitCloneUrlHttp => "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/sample-service",
            PlatformOutputNames.RepositoryUri => "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service",
            PlatformOutputNames.SubnetIds => "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
            _ => "value-of-" + n,
        });
        var stack = FakeCloudFormation.Stack(Name, "UPDATE_COMPLETE", outputs: outputs).Replace("</member></Stacks>", parameters + drift + "</member></Stacks>", StringComparison.Ordinal);
        fake.Handlers["DescribeStacks"] = _ => stack;
        fake.Handlers["GetTemplate"] = _ => $"<TemplateBody>{SecurityElement.Escape(deployed)}</TemplateBody>";
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private sealed class NoNetwork : INetworkLookup
    {
        public Task<PlatformNetwork> DefaultVpcAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The settings name the network; no lookup expected.");
    }
}
