using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>DestroyInfra's failure branch, which moto cannot produce (it deletes a repository with images).</summary>
public sealed class StackDestroyerScriptedTests : IDisposable
{
    private const string Name = "platform";
    private const string NotEmpty = "The repository with name 'sample-service' in registry with id '123456789012' cannot be deleted because it still contains images";
    private readonly FakeCloudFormation fake = new();
    private readonly RecordingLog log = new();
    private readonly Queue<string> statuses = new();
    private string status = "CREATE_COMPLETE";

    public StackDestroyerScriptedTests()
    {
        fake.ServeEvents(Name);
        fake.Handlers["DescribeStacks"] = call =>
        {
            status = statuses.Count > 0 ? statuses.Dequeue() : status;
            return status == "DELETE_COMPLETE" && call["StackName"] == Name
                ? throw FakeCloudFormation.NoSuchStack(Name)
                : FakeCloudFormation.Stack(Name, status);
        };
        fake.Handlers["DescribeStackResources"] = _ => "<StackResources>"
            + "<member><LogicalResourceId>Repository</LogicalResourceId><ResourceType>AWS::ECR::Repository</ResourceType><ResourceStatus>DELETE_FAILED</ResourceStatus></member>"
            + "<member><LogicalResourceId>ArtifactBucket</LogicalResourceId><ResourceType>AWS::S3::Bucket</ResourceType><ResourceStatus>DELETE_FAILED</ResourceStatus></member>"
            + "<member><LogicalResourceId>Cluster</LogicalResourceId><ResourceType>AWS::ECS::Cluster</ResourceType><ResourceStatus>DELETE_COMPLETE</ResourceStatus></member>"
            + "</StackResources>";
    }

    public void Dispose() => fake.Dispose();

    [Fact]
    public async Task A_repository_with_images_stops_the_delete_and_the_output_says_what_to_do_then_retain_failed_deletes_the_rest()
    {
        fake.Handlers["DeleteStack"] = _ =>
        {
            foreach (var next in (string[])["DELETE_IN_PROGRESS", "DELETE_FAILED"])
            {
                statuses.Enqueue(next);
            }

            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated"));
            fake.AddEvent(new FakeEvent("Cluster", "AWS::ECS::Cluster", "DELETE_COMPLETE"));
            fake.AddEvent(new FakeEvent("Repository", "AWS::ECR::Repository", "DELETE_FAILED", NotEmpty));
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "DELETE_FAILED", "The following resource(s) failed to delete: [Repository, ArtifactBucket]."));
            return "";
        };
        using var session = fake.Session();
        var destroyer = new StackDestroyer(new CloudFormationClient(session), log);
        var options = new StackDestroyOptions { StackName = Name, PollInterval = TimeSpan.FromMilliseconds(10) };

        var failure = await Assert.ThrowsAsync<BuildFailedException>(() => destroyer.DestroyAsync(options));

        Assert.StartsWith($"Deleting stack platform failed (DELETE_FAILED): Repository (AWS::ECR::Repository) DELETE_FAILED: {NotEmpty}. ", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith(StackDestroyer.DataLossGuidance, failure.Message, StringComparison.Ordinal);
        Assert.Contains(log.Lines, l => l.Contains("DELETE_COMPLETE", StringComparison.Ordinal) && l.Contains("Cluster", StringComparison.Ordinal));

        fake.Handlers["DeleteStack"] = _ =>
        {
            statuses.Enqueue("DELETE_COMPLETE");
            fake.AddEvent(new FakeEvent(Name, "AWS::CloudFormation::Stack", "DELETE_COMPLETE"));
            return "";
        };

        Assert.True(await destroyer.DestroyAsync(options with { RetainFailed = true }));

        var retained = fake.Calls.Last(c => c.Action == "DeleteStack");
        Assert.Equal(("Repository", "ArtifactBucket"), (retained["RetainResources.member.1"], retained["RetainResources.member.2"]));
        Assert.Null(retained["RetainResources.member.3"]);
        Assert.Contains("Keeping what could not be deleted: Repository, ArtifactBucket (delete them by hand later).", log.Lines);
        Assert.Contains("Stack platform deleted.", log.Lines);
    }
}
