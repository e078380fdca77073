using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>The CloudFormation state file and the lookups that fail with CloudFormation's codes and messages.</summary>
internal sealed class CloudFormationStore(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<CloudFormationState> file = new(options.StateDirectory, "cloudformation.json");

    public string Region => options.Region;

    public string AccountId => options.AccountId;

    public DateTimeOffset Now => clock.GetUtcNow();

    public TResult Read<TResult>(Func<CloudFormationState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<CloudFormationState, TResult> change) => file.Update(change);

    public void Update(Action<CloudFormationState> change) => file.Update(state =>
    {
        change(state);
        return true;
    });

    /// <summary>A live stack by name, or any stack (deleted ones too) by id; null when absent.</summary>
    public static StackRecord? FindStack(CloudFormationState state, string nameOrId) =>
        nameOrId.StartsWith("arn:", StringComparison.Ordinal)
            ? state.Stacks.FirstOrDefault(s => s.StackId == nameOrId)
            : state.Stacks.LastOrDefault(s => s.StackName == nameOrId && !s.IsDeleted);

    public static StackRecord Stack(CloudFormationState state, string nameOrId) =>
        FindStack(state, nameOrId) ?? throw new AwsServiceException("ValidationError", $"Stack with id {nameOrId} does not exist");

    public static StackRecord StackById(CloudFormationState state, string stackId) => state.Stacks.First(s => s.StackId == stackId);

    public static ChangeSetRecord ChangeSet(CloudFormationState state, string nameOrId, string? stackName)
    {
        var changeSet = nameOrId.StartsWith("arn:", StringComparison.Ordinal)
            ? state.ChangeSets.FirstOrDefault(c => c.ChangeSetId == nameOrId)
            : stackName is null
                ? throw new AwsServiceException("ValidationError", "StackName must be specified if ChangeSetName is not specified as an ARN.")
                : state.ChangeSets.LastOrDefault(c => c.ChangeSetName == nameOrId && (c.StackName == stackName || c.StackId == stackName));
        return changeSet ?? throw new AwsServiceException("ChangeSetNotFound", $"ChangeSet [{nameOrId}] does not exist", System.Net.HttpStatusCode.NotFound);
    }

    public string NewStackId(string name) => $"arn:aws:cloudformation:{options.Region}:{options.AccountId}:stack/{name}/{Guid.NewGuid()}";

    public string NewChangeSetId(string name) => $"arn:aws:cloudformation:{options.Region}:{options.AccountId}:changeSet/{name}/{Guid.NewGuid()}";

    public string? Export(string name) => Read(state => state.Stacks
        .Where(s => !s.IsDeleted)
        .SelectMany(s => s.Outputs)
        .FirstOrDefault(o => o.ExportName == name)?.OutputValue);
}
