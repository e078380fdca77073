using System.Diagnostics;
using System.Text.RegularExpressions;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Logs;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;
using Deploy.Testing.Moto;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// ProvisionInfra's apply and DestroyInfra against moto_server's CloudFormation, with the part of the platform moto creates
/// (<see cref="MotoPlatformTemplate"/>) and the default VPC looked up through EC2. moto applies a change set at once and
/// records stack-level events only; it never fills the outputs of a stack made by a change set (the outputs are checked
/// on a stack made by CreateStack, and on the scripted fake).
/// </summary>
public sealed partial class StackDeployerMotoTests(MotoServer moto) : IClassFixture<MotoServer>, IAsyncLifetime, IDisposable
{
    private const string Name = "platform";
    private readonly RecordingLog log = new();
    private readonly string directory = Directory.CreateTempSubdirectory("stack-moto-").FullName;
    private AwsSession session = null!;

    public async Task InitializeAsync()
    {
        await moto.ResetAsync();
        // moto is reached through the session's own AWS_ENDPOINT_URL, never the process's environment.
        session = new AwsSession(new AwsSessionOptions
        {
            Region = MotoServer.Region,
            Credentials = new BasicAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey),
            Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString() },
            MaxAttempts = 2,
        });
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        session.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    private CloudFormationClient CloudFormation => new(session);

    private StackDeployOptions Options(PlatformSettings? settings = null, bool planOnly = false) => new()
    {
        StackName = Name,
        Settings = settings ?? new PlatformSettings(),
        TemplatePath = Path.Combine(directory, "template.json"),
        OutputsPath = Path.Combine(directory, "outputs.json"),
        PlanOnly = planOnly,
        PollInterval = TimeSpan.FromMilliseconds(50),
        RenderTemplate = MotoPlatformTemplate.Render,
    };

    private StackDeployer Deployer() => new(CloudFormation, new Ec2NetworkLookup(session, log), log);

    [Fact]
    public async Task The_first_apply_creates_the_stack_in_the_default_vpc_and_streams_its_events()
    {
        var result = await Deployer().DeployAsync(Options());

        Assert.Equal(StackDeployOutcome.Created, result.Outcome);
        Assert.Equal(MotoPlatformTemplate.ResourceCount(new PlatformSettings()), result.Changes.Count);
        Assert.All(result.Changes, c => Assert.Equal("Add", c.ResourceChange!.Action));
        Assert.Contains(log.Lines, l => Regex.IsMatch(l, @"^\d\d:\d\d:\d\d  CREATE_COMPLETE\s+platform\s+AWS::CloudFormation::Stack$"));
        Assert.Contains(log.Lines, l => l.Contains("Add     Repository", StringComparison.Ordinal) && l.Contains("AWS::ECR::Repository", StringComparison.Ordinal));
        Assert.Equal(MotoPlatformTemplate.Render(new PlatformSettings()), File.ReadAllText(Options().TemplatePath));

        var stack = await CloudFormation.FindStackAsync(Name);
        Assert.Equal("CREATE_COMPLETE", stack!.StackStatus);
        var subnets = stack.Parameters!.Single(p => p.ParameterKey == "SubnetIds").ParameterValue;
        Assert.Contains("subnet-", subnets, StringComparison.Ordinal);
        Assert.StartsWith("vpc-", stack.Parameters!.Single(p => p.ParameterKey == "VpcId").ParameterValue, StringComparison.Ordinal);
        var resources = (await CloudFormation.DescribeStackResourcesAsync(new DescribeStackResourcesRequest { StackName = Name })).StackResources;
        Assert.Equal(result.Changes.Count, resources.Count);
        Assert.All(resources, r => Assert.Equal("CREATE_COMPLETE", r.ResourceStatus));
        var groups = await new LogsClient(session).DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/ecs/sample-service" });
        Assert.Equal(30, Assert.Single(groups.LogGroups!).RetentionInDays);
    }

    [Fact]
    public async Task The_second_apply_is_unchanged_fast_and_deletes_the_empty_change_set()
    {
        await Deployer().DeployAsync(Options());
        var before = log.Lines.Count;
        var watch = Stopwatch.StartNew();

        var result = await Deployer().DeployAsync(Options());

        Assert.Equal(StackDeployOutcome.Unchanged, result.Outcome);
        Assert.InRange(watch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
        var lines = log.Lines.Skip(before).ToList();
        Assert.Contains(lines, l => l.StartsWith("Stack platform is unchanged", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.StartsWith("Applying", StringComparison.Ordinal));
        var changeSet = ChangeSetNamePattern().Match(string.Join('\n', lines)).Groups[1].Value;
        var gone = await Assert.ThrowsAsync<CloudFormationException>(
            () => CloudFormation.DescribeChangeSetAsync(new DescribeChangeSetRequest { ChangeSetName = changeSet, StackName = Name }));
        Assert.Contains("does not exist", gone.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("CREATE_COMPLETE", (await CloudFormation.FindStackAsync(Name))!.StackStatus);
    }

    [Fact]
    public async Task A_changed_setting_updates_the_stack_after_printing_the_plan()
    {
        await Deployer().DeployAsync(Options());
        var before = log.Lines.Count;

        var result = await Deployer().DeployAsync(Options(new PlatformSettings { LogRetentionDays = 90 }));

        Assert.Equal(StackDeployOutcome.Updated, result.Outcome);
        Assert.Equal(["BuildLogGroup", "ServiceLogGroup"], result.Changes.Select(c => c.ResourceChange!.LogicalResourceId).Order(StringComparer.Ordinal));
        var lines = log.Lines.Skip(before).ToList();
        Assert.Contains("Plan for stack platform: 0 to add, 2 to modify, 0 to remove", lines);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^  Modify\s+ServiceLogGroup\s+AWS::Logs::LogGroup"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"UPDATE_COMPLETE\s+platform\s+AWS::CloudFormation::Stack$"));
        Assert.Equal("UPDATE_COMPLETE", (await CloudFormation.FindStackAsync(Name))!.StackStatus);
        Assert.Equal(StackDeployOutcome.Unchanged, (await Deployer().DeployAsync(Options(new PlatformSettings { LogRetentionDays = 90 }))).Outcome);
    }

    [Fact]
    public async Task Plan_only_prints_the_plan_and_changes_nothing()
    {
        var planned = await Deployer().DeployAsync(Options(planOnly: true));

        Assert.Equal(StackDeployOutcome.Planned, planned.Outcome);
        Assert.NotEmpty(planned.Changes);
        Assert.Null(await CloudFormation.FindStackAsync(Name));

        await Deployer().DeployAsync(Options());
        var update = await Deployer().DeployAsync(Options(new PlatformSettings { LogRetentionDays = 90 }, planOnly: true));

        Assert.Equal(StackDeployOutcome.Planned, update.Outcome);
        Assert.Equal(2, update.Changes.Count);
        Assert.Contains(log.Lines, l => l.StartsWith("Plan only: change set deleted; nothing was changed.", StringComparison.Ordinal));
        var template = await CloudFormation.GetTemplateAsync(new GetTemplateRequest { StackName = Name });
        Assert.Contains("\"RetentionInDays\": 30", template.TemplateBody, StringComparison.Ordinal);
        Assert.Equal(StackDeployOutcome.Unchanged, (await Deployer().DeployAsync(Options())).Outcome);
    }

    [Fact]
    public async Task DestroyInfra_deletes_the_stack_and_then_finds_nothing_to_delete()
    {
        await Deployer().DeployAsync(Options());
        var destroyer = StackDestroyer.For(session, log);

        Assert.True(await destroyer.DestroyAsync(new StackDestroyOptions { StackName = Name, PollInterval = TimeSpan.FromMilliseconds(50) }));

        Assert.Null(await CloudFormation.FindStackAsync(Name));
        Assert.Contains(log.Lines, l => Regex.IsMatch(l, @"DELETE_COMPLETE\s+platform\s+AWS::CloudFormation::Stack$"));
        Assert.Contains("Stack platform deleted.", log.Lines);
        Assert.False(await destroyer.DestroyAsync(new StackDestroyOptions { StackName = Name }));
        Assert.Contains("Stack platform does not exist; nothing to delete.", log.Lines);
    }

    [Fact]
    public async Task The_outputs_of_an_existing_stack_are_read_and_parsed_without_changing_it()
    {
        var network = await new Ec2NetworkLookup(session, log).DefaultVpcAsync(CancellationToken.None);
        await CloudFormation.CreateStackAsync(new CreateStackRequest
        {
            StackName = Name,
            TemplateBody = MotoPlatformTemplate.Render(new PlatformSettings()),
            Parameters = [new StackParameter("VpcId", network.VpcId), new StackParameter("SubnetIds", string.Join(',', network.SubnetIds))],
            Capabilities = [StackCapabilities.Iam],
        });

        var outputs = await PlatformStackOutputs.ReadOutputsAsync(CloudFormation, Name, CancellationToken.None);

        Assert.Equal("123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service", outputs.RepositoryUri);
        Assert.Equal("sample-service", outputs.ClusterName);
        Assert.Equal("/ecs/sample-service", outputs.LogGroupName);
        Assert.Equal(network.SubnetIds, outputs.SubnetIds.Order(StringComparer.Ordinal));
        Assert.StartsWith("arn:aws:iam::123456789012:role/", outputs.TaskExecutionRoleArn, StringComparison.Ordinal);
        Assert.StartsWith("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/", outputs.TargetGroupArn, StringComparison.Ordinal);
        Assert.Equal("http", outputs.LoadBalancerUrl.Scheme);
    }

    [Fact]
    public async Task Reading_the_outputs_of_a_missing_stack_says_to_run_ProvisionInfra()
    {
        var failure = await Assert.ThrowsAsync<BuildFailedException>(
            () => PlatformStackOutputs.ReadOutputsAsync(CloudFormation, Name, CancellationToken.None));

        Assert.Equal("The platform stack 'platform' does not exist; run ProvisionInfra first.", failure.Message);
    }

    [GeneratedRegex(@"\(change set (deploy-[0-9-]+)\)")]
    private static partial Regex ChangeSetNamePattern();
}
