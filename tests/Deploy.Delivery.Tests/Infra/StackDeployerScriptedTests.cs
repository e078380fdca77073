using System.Diagnostics;
using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>
/// The branches moto cannot produce (it applies change sets synchronously, never rolls back and never reports outputs of a
/// stack made by a change set), against CloudFormation faked at the HTTP boundary.
/// </summary>
public sealed class StackDeployerScriptedTests : IDisposable
{
    private const string Name = "platform";
    private readonly FakeCloudFormation fake = new();
    private readonly RecordingLog log = new();
    private readonly string directory = Directory.CreateTempSubdirectory("stack-deployer-").FullName;
    private readonly StackScript stack;

    public StackDeployerScriptedTests()
    {
        stack = new StackScript(fake);
        fake.ServeEvents(Name);
    }

    private static PlatformSettings Settings => new() { VpcId = "vpc-0123456789abcdef0", SubnetIds = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"] };

    private static Dictionary<string, string> Outputs => PlatformOutputNames.All.ToDictionary(n => n, n => n switch
    {
        PlatformOutputNames.LoadBalancerUrl => "http://platform-alb-123.us-east-1.elb.amazonaws.com",
        PlatformOutputNames.CodeCommitCloneUrlHttp => "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/sample-service",
        PlatformOutputNames.RepositoryUri => "123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service",
        PlatformOutputNames.SubnetIds => "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
        _ => "value-of-" + n,
    });

    private StackDeployOptions Options => new()
    {
        StackName = Name,
        Settings = Settings,
        TemplatePath = Path.Combine(directory, "template.json"),
        OutputsPath = Path.Combine(directory, "outputs.json"),
        PollInterval = TimeSpan.FromMilliseconds(10),
    };

    public void Dispose()
    {
        fake.Dispose();
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public async Task A_failing_create_reports_the_first_failed_resource_and_the_next_apply_deletes_and_recreates_the_stack()
    {
        stack.OnExecute = () =>
        {
            stack.Then("CREATE_IN_PROGRESS", "ROLLBACK_IN_PROGRESS", "ROLLBACK_COMPLETE");
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"));
            fake.AddEvent(new FakeEvent("Repository", "AWS::ECR::Repository", "CREATE_IN_PROGRESS"));
            fake.AddEvent(new FakeEvent("Repository", "AWS::ECR::Repository", "CREATE_FAILED", "Resource handler returned message: \"Invalid parameter at 'encryptionConfiguration'\""));
            fake.AddEvent(new FakeEvent("Cluster", "AWS::ECS::Cluster", "CREATE_FAILED", "Resource creation cancelled"));
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "ROLLBACK_IN_PROGRESS", "The following resource(s) failed to create: [Repository, Cluster]."));
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "ROLLBACK_COMPLETE"));
        };
        using var session = fake.Session();
        var deployer = new StackDeployer(new CloudFormationClient(session), new NoNetwork(), log);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => deployer.DeployAsync(Options));

        Assert.Equal(
            "Creating stack platform failed (ROLLBACK_COMPLETE): Repository (AWS::ECR::Repository) CREATE_FAILED: Resource handler returned message: "
            + "\"Invalid parameter at 'encryptionConfiguration'\". Outcome: rolled back: everything the create had made was deleted; the empty stack "
            + "stays ROLLBACK_COMPLETE and the next ProvisionInfra deletes it and creates it again.",
            failure.Message);
        Assert.Contains(log.Lines, l => l.Contains("CREATE_FAILED", StringComparison.Ordinal) && l.Contains("Resource creation cancelled", StringComparison.Ordinal));

        stack.OnExecute = () =>
        {
            stack.Then("CREATE_IN_PROGRESS", "CREATE_COMPLETE");
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "CREATE_IN_PROGRESS", "User Initiated"));
            fake.AddEvent(new FakeEvent("Repository", "AWS::ECR::Repository", "CREATE_COMPLETE"));
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "CREATE_COMPLETE"));
        };
        var result = await deployer.DeployAsync(Options);

        Assert.Equal(StackDeployOutcome.Created, result.Outcome);
        Assert.Equal("123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service", result.Platform.RepositoryUri);
        var second = fake.Calls.SkipWhile(c => c.Action != "ExecuteChangeSet").Skip(1).Select(c => c.Action).ToList();
        Assert.True(second.IndexOf("DeleteStack") < second.IndexOf("CreateChangeSet"), string.Join(", ", second));
        Assert.Equal("CREATE", fake.Calls.Last(c => c.Action == "CreateChangeSet")["ChangeSetType"]);
        Assert.Contains(log.Lines, l => l.StartsWith("Stack platform is ROLLBACK_COMPLETE: its first create failed", StringComparison.Ordinal)
            && l.EndsWith("Deleting it, then creating it again.", StringComparison.Ordinal));
        Assert.Contains("\"RepositoryUri\": \"123456789012.dkr.ecr.us-east-1.amazonaws.com/sample-service\"", File.ReadAllText(Options.OutputsPath!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_stack_in_progress_is_waited_for_and_then_found_unchanged()
    {
        stack.Status = "UPDATE_IN_PROGRESS";
        stack.Then("UPDATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "UPDATE_COMPLETE");
        stack.EmptyChangeSets = true;
        using var session = fake.Session();
        var deployer = new StackDeployer(new CloudFormationClient(session), new NoNetwork(), log);

        var result = await deployer.DeployAsync(Options);

        Assert.Equal(StackDeployOutcome.Unchanged, result.Outcome);
        Assert.Contains(log.Lines, l => l.StartsWith("Stack platform is UPDATE_IN_PROGRESS: another run is changing it", StringComparison.Ordinal));
        Assert.Contains("Stack platform settled: UPDATE_COMPLETE", log.Lines);
        Assert.Equal("UPDATE", fake.Calls.Single(c => c.Action == "CreateChangeSet")["ChangeSetType"]);
        // After the empty plan only its deletion changes anything (the drift check detects, it changes no resource).
        Assert.Equal(["DeleteChangeSet"], fake.Actions.SkipWhile(a => a != "CreateChangeSet").Skip(1).Where(a => a is not ("DescribeChangeSet" or "DescribeStacks" or "DetectStackDrift")));
        Assert.Equal("value-of-ClusterName", result.Platform.ClusterName);
    }

    [Fact]
    public async Task Waiting_for_a_stack_in_progress_is_bounded_and_changes_nothing()
    {
        stack.Status = "UPDATE_ROLLBACK_IN_PROGRESS";
        using var session = fake.Session();
        var deployer = new StackDeployer(new CloudFormationClient(session), new NoNetwork(), log);
        var watch = Stopwatch.StartNew();

        var failure = await Assert.ThrowsAsync<BuildFailedException>(
            () => deployer.DeployAsync(Options with { InProgressTimeout = TimeSpan.FromMilliseconds(300) }));

        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(10));
        Assert.StartsWith("Stack platform is still UPDATE_ROLLBACK_IN_PROGRESS after waiting 0.3 s; nothing was changed.", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CreateChangeSet", fake.Actions);
    }

    [Fact]
    public async Task A_stack_whose_update_rollback_failed_is_refused_with_what_to_do()
    {
        stack.Status = "UPDATE_ROLLBACK_FAILED";
        using var session = fake.Session();
        var deployer = new StackDeployer(new CloudFormationClient(session), new NoNetwork(), log);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => deployer.DeployAsync(Options));

        Assert.Contains("continue-update-rollback", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("CreateChangeSet", fake.Actions);
    }

    [Fact]
    public async Task A_failed_update_names_the_cause_and_says_the_stack_is_back_to_its_previous_state()
    {
        stack.Status = "UPDATE_COMPLETE";
        stack.OnExecute = () =>
        {
            stack.Then("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE");
            fake.AddEvent(new FakeEvent("TargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", "UPDATE_FAILED", "Health check path must start with '/'"));
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "UPDATE_ROLLBACK_COMPLETE"));
        };
        using var session = fake.Session();
        var deployer = new StackDeployer(new CloudFormationClient(session), new NoNetwork(), log);

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => deployer.DeployAsync(Options));

        Assert.Contains("TargetGroup (AWS::ElasticLoadBalancingV2::TargetGroup) UPDATE_FAILED: Health check path must start with '/'", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith("Outcome: rolled back: the stack is back to its previous state.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_status_from_before_the_execute_is_not_taken_for_the_result()
    {
        stack.Status = "CREATE_COMPLETE";
        stack.OnExecute = () => stack.Then("CREATE_COMPLETE", "CREATE_COMPLETE", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE");
        stack.OnStatus = status =>
        {
            if (status is "UPDATE_IN_PROGRESS" or "UPDATE_COMPLETE")
            {
                fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", status));
            }
        };
        using var session = fake.Session();
        var deployer = new StackDeployer(new CloudFormationClient(session), new NoNetwork(), log);

        var result = await deployer.DeployAsync(Options);

        Assert.Equal(StackDeployOutcome.Updated, result.Outcome);
        Assert.Contains(log.Lines, l => l.Contains("UPDATE_COMPLETE", StringComparison.Ordinal) && l.EndsWith("AWS::CloudFormation::Stack", StringComparison.Ordinal));
        Assert.Equal(4, fake.Actions.SkipWhile(a => a != "ExecuteChangeSet").Count(a => a == "DescribeStacks"));
    }

    [Fact]
    public void Capabilities_follow_the_iam_resources_of_the_template()
    {
        Assert.Equal([StackCapabilities.Iam], StackDeployer.CapabilitiesFor(PlatformTemplate.Render(Settings)));
        Assert.Empty(StackDeployer.CapabilitiesFor("""{"Resources":{"Repo":{"Type":"AWS::ECR::Repository"}}}"""));
        Assert.Equal(
            [StackCapabilities.Iam, StackCapabilities.NamedIam],
            StackDeployer.CapabilitiesFor("""{"Resources":{"Role":{"Type":"AWS::IAM::Role","Properties":{"RoleName":"x"}}}}"""));
    }

    /// <summary>One stack's status as DescribeStacks reports it, moved along by the deployer's calls.</summary>
    private sealed class StackScript
    {
        private readonly Queue<string> next = new();
        private readonly FakeCloudFormation fake;

        public StackScript(FakeCloudFormation fake)
        {
            this.fake = fake;
            fake.Handlers["DescribeStacks"] = Describe;
            fake.Handlers["DeleteStack"] = _ =>
            {
                Then("DELETE_IN_PROGRESS", "DELETE_COMPLETE");
                fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated"));
                fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "DELETE_COMPLETE"));
                return "";
            };
            fake.Handlers["CreateChangeSet"] = call =>
            {
                if (call["ChangeSetType"] == "CREATE")
                {
                    Status = "REVIEW_IN_PROGRESS";
                }

                return $"<Id>arn:aws:cloudformation:us-east-1:123456789012:changeSet/{call["ChangeSetName"]}/1</Id><StackId>{FakeCloudFormation.StackId(Name)}</StackId>";
            };
            fake.Handlers["DescribeChangeSet"] = call => EmptyChangeSets
                ? FakeCloudFormation.ChangeSet(call["ChangeSetName"]!, "FAILED", "The submitted information didn't contain changes. Submit different information to create a change set.")
                : FakeCloudFormation.ChangeSet(call["ChangeSetName"]!, "CREATE_COMPLETE", null, ("Add", "Repository", "AWS::ECR::Repository", null));
            fake.Handlers["DeleteChangeSet"] = _ => "";
            fake.Handlers["ExecuteChangeSet"] = _ =>
            {
                OnExecute();
                return "";
            };
        }

        /// <summary>Null: the stack does not exist.</summary>
        public string? Status { get; set; }

        public bool EmptyChangeSets { get; set; }

        public Action OnExecute { get; set; } = () => { };

        public Action<string> OnStatus { get; set; } = _ => { };

        public void Then(params string[] statuses)
        {
            foreach (var status in statuses)
            {
                next.Enqueue(status);
            }
        }

        private string Describe(FakeCall call)
        {
            if (next.Count > 0)
            {
                Status = next.Dequeue();
                OnStatus(Status);
            }

            var byName = call["StackName"] == Name;
            if (Status is null || (Status == "DELETE_COMPLETE" && byName))
            {
                throw FakeCloudFormation.NoSuchStack(call["StackName"]!);
            }

            var outputs = Status is "CREATE_COMPLETE" or "UPDATE_COMPLETE" ? Outputs : null;
            var result = FakeCloudFormation.Stack(Name, Status, outputs: outputs);
            if (Status == "DELETE_COMPLETE")
            {
                // A deleted stack is found by id only, once; the next create starts from nothing.
                Status = null;
            }

            return result;
        }
    }

    private sealed class NoNetwork : INetworkLookup
    {
        public Task<PlatformNetwork> DefaultVpcAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("The settings name the network; no lookup expected.");
    }
}
