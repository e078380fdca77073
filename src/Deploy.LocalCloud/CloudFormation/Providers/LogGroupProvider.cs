using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation.Providers;

/// <summary>AWS::Logs::LogGroup through the CloudWatch Logs service (name, retention).</summary>
internal sealed class LogGroupProvider(JsonServiceCalls calls, Hosting.LocalCloudOptions options) : IResourceProvider
{
    private const string Logs = "Logs_20140328";

    public string ResourceType => "AWS::Logs::LogGroup";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "LogGroupName" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("LogGroupName") ?? request.PhysicalName(512);
        calls.Call(Logs, "CreateLogGroup", new JsonObject { ["logGroupName"] = name });
        try
        {
            ApplyRetention(name, request, hadRetention: false);
        }
        catch (Protocols.AwsServiceException)
        {
            calls.Delete(Logs, "DeleteLogGroup", new JsonObject { ["logGroupName"] = name });
            throw;
        }

        return Task.FromResult(Result(name));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        ApplyRetention(previous.PhysicalId, request, previousProperties["RetentionInDays"] is not null);
        return Task.FromResult(Result(previous.PhysicalId));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        calls.Delete(Logs, "DeleteLogGroup", new JsonObject { ["logGroupName"] = current.PhysicalId });
        return Task.CompletedTask;
    }

    private void ApplyRetention(string name, ResourceRequest request, bool hadRetention)
    {
        if (request.Integer("RetentionInDays") is { } days)
        {
            calls.Call(Logs, "PutRetentionPolicy", new JsonObject { ["logGroupName"] = name, ["retentionInDays"] = days });
        }
        else if (hadRetention)
        {
            calls.Call(Logs, "DeleteRetentionPolicy", new JsonObject { ["logGroupName"] = name });
        }
    }

    private ProvisionedResource Result(string name) =>
        ProvisionedResource.Of(name, ("Arn", $"arn:aws:logs:{options.Region}:{options.AccountId}:log-group:{name}:*"));
}
