using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation.Providers;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation.Drift;

/// <summary>
/// Drift readers for the types whose service has a JSON API in the local cloud: they ask the service in process, as a
/// drift check on AWS reads the resource through its service's API. "Not found" answers mean the resource was deleted.
/// </summary>
internal abstract class JsonApiDriftReader(JsonServiceCalls calls, string targetPrefix) : IResourceDriftReader
{
    public abstract string ResourceType { get; }

    public abstract JsonObject? ReadActual(string physicalId, JsonObject expected);

    /// <summary>The operation's answer, or null when the service says the resource does not exist.</summary>
    protected JsonObject? Find(string operation, JsonObject request)
    {
        try
        {
            return calls.Call(targetPrefix, operation, request);
        }
        catch (AwsServiceException failure) when (failure.Code.Contains("NotFound", StringComparison.Ordinal) || failure.Code.Contains("DoesNotExist", StringComparison.Ordinal))
        {
            return null;
        }
    }

    protected static JsonNode? Copy(JsonNode? node) => node?.DeepClone();
}

internal sealed class EcrRepositoryDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "AmazonEC2ContainerRegistry_V20150921")
{
    public override string ResourceType => "AWS::ECR::Repository";

    public override JsonObject? ReadActual(string physicalId, JsonObject expected)
    {
        if (Find("DescribeRepositories", new JsonObject { ["repositoryNames"] = new JsonArray(physicalId) })?["repositories"]?[0] is not JsonObject repository)
        {
            return null;
        }

        var actual = new JsonObject
        {
            ["RepositoryName"] = Copy(repository["repositoryName"]),
            ["ImageTagMutability"] = Copy(repository["imageTagMutability"]),
            ["ImageScanningConfiguration"] = new JsonObject { ["ScanOnPush"] = Copy(repository["imageScanningConfiguration"]?["scanOnPush"]) },
        };
        if (repository["encryptionConfiguration"] is JsonObject encryption)
        {
            actual["EncryptionConfiguration"] = new JsonObject { ["EncryptionType"] = Copy(encryption["encryptionType"]), ["KmsKey"] = Copy(encryption["kmsKey"]) };
        }

        return actual;
    }
}

internal sealed class LogGroupDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "Logs_20140328")
{
    public override string ResourceType => "AWS::Logs::LogGroup";

    public override JsonObject? ReadActual(string physicalId, JsonObject expected)
    {
        var groups = Find("DescribeLogGroups", new JsonObject { ["logGroupNamePrefix"] = physicalId })?["logGroups"] as JsonArray ?? [];
        if (groups.FirstOrDefault(g => g?["logGroupName"]?.GetValue<string>() == physicalId) is not JsonObject group)
        {
            return null;
        }

        // Retention removed by hand reads as absent: the template's value then shows as REMOVE.
        return new JsonObject { ["LogGroupName"] = physicalId, ["RetentionInDays"] = Copy(group["retentionInDays"]) };
    }
}

internal sealed class EcsClusterDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "AmazonEC2ContainerServiceV20141113")
{
    public override string ResourceType => "AWS::ECS::Cluster";

    public override JsonObject? ReadActual(string physicalId, JsonObject expected)
    {
        var found = Find("DescribeClusters", new JsonObject { ["clusters"] = new JsonArray(physicalId) });
        if (found?["clusters"]?[0] is not JsonObject cluster || cluster["status"]?.GetValue<string>() == "INACTIVE")
        {
            return null;
        }

        var settings = (cluster["settings"] as JsonArray ?? [])
            .Select(s => (JsonNode)new JsonObject { ["Name"] = Copy(s?["name"]), ["Value"] = Copy(s?["value"]) });
        return new JsonObject { ["ClusterName"] = Copy(cluster["clusterName"]), ["ClusterSettings"] = new JsonArray([.. settings]) };
    }
}

internal sealed class CodeCommitRepositoryDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "CodeCommit_20150413")
{
    public override string ResourceType => "AWS::CodeCommit::Repository";

    /// <summary>The physical id is the repository id; a repository of the same name with another id is not this one.</summary>
    public override JsonObject? ReadActual(string physicalId, JsonObject expected)
    {
        var name = expected["RepositoryName"]?.GetValue<string>();
        var metadata = name is null ? null : Find("GetRepository", new JsonObject { ["repositoryName"] = name })?["repositoryMetadata"];
        if (metadata is null || metadata["repositoryId"]?.GetValue<string>() != physicalId)
        {
            return null;
        }

        return new JsonObject
        {
            ["RepositoryName"] = Copy(metadata["repositoryName"]),
            ["RepositoryDescription"] = Copy(metadata["repositoryDescription"]),
        };
    }
}

internal sealed class CodeBuildProjectDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "CodeBuild_20161006")
{
    public override string ResourceType => "AWS::CodeBuild::Project";

    public override JsonObject? ReadActual(string physicalId, JsonObject expected)
    {
        if (Find("BatchGetProjects", new JsonObject { ["names"] = new JsonArray(physicalId) })?["projects"]?[0] is not JsonObject project)
        {
            return null;
        }

        return new JsonObject
        {
            ["Name"] = Copy(project["name"]),
            ["Description"] = Copy(project["description"]),
            ["TimeoutInMinutes"] = Copy(project["timeoutInMinutes"]),
        };
    }
}

internal sealed class CodePipelineDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "CodePipeline_20150709")
{
    public override string ResourceType => "AWS::CodePipeline::Pipeline";

    public override JsonObject? ReadActual(string physicalId, JsonObject expected) =>
        Find("GetPipeline", new JsonObject { ["name"] = physicalId })?["pipeline"] is JsonObject pipeline
            ? new JsonObject { ["Name"] = Copy(pipeline["name"]) }
            : null;
}

internal sealed class EventsRuleDriftReader(JsonServiceCalls calls) : JsonApiDriftReader(calls, "AWSEvents")
{
    public override string ResourceType => "AWS::Events::Rule";

    public override JsonObject? ReadActual(string physicalId, JsonObject expected) =>
        Find("DescribeRule", new JsonObject { ["Name"] = physicalId }) is { } rule
            ? new JsonObject { ["State"] = Copy(rule["State"]), ["Description"] = Copy(rule["Description"]) }
            : null;
}
