namespace Deploy.Delivery.Infra;

/// <summary>The stack output names the template declares and <see cref="PlatformOutputs"/> reads (one list for both).</summary>
public static class PlatformOutputNames
{
    public const string RepositoryUri = nameof(RepositoryUri);
    public const string RepositoryName = nameof(RepositoryName);
    public const string ClusterName = nameof(ClusterName);
    public const string LogGroupName = nameof(LogGroupName);
    public const string TaskExecutionRoleArn = nameof(TaskExecutionRoleArn);
    public const string TaskRoleArn = nameof(TaskRoleArn);
    public const string ServiceSecurityGroupId = nameof(ServiceSecurityGroupId);
    public const string SubnetIds = nameof(SubnetIds);
    public const string TargetGroupArn = nameof(TargetGroupArn);
    public const string LoadBalancerUrl = nameof(LoadBalancerUrl);
    public const string PipelineName = nameof(PipelineName);
    public const string CodeCommitCloneUrlHttp = nameof(CodeCommitCloneUrlHttp);
    public const string ArtifactBucketName = nameof(ArtifactBucketName);
    public const string ServiceName = nameof(ServiceName);
    public const string PipelineTriggerRuleName = nameof(PipelineTriggerRuleName);
    public const string NotificationTopicArn = nameof(NotificationTopicArn);

    /// <summary>Every output, in the order the template declares them.</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        RepositoryUri, RepositoryName, ClusterName, LogGroupName, TaskExecutionRoleArn, TaskRoleArn, ServiceSecurityGroupId,
        SubnetIds, TargetGroupArn, LoadBalancerUrl, PipelineName, CodeCommitCloneUrlHttp, ArtifactBucketName, ServiceName,
        PipelineTriggerRuleName, NotificationTopicArn,
    ];

    /// <summary>
    /// Outputs added after stacks were already provisioned: a stack without them still parses, so a CodeBuild run of a newer
    /// commit does not fail on a stack that the next ProvisionInfra will bring up to date.
    /// </summary>
    public static IReadOnlyList<string> Optional { get; } = [PipelineTriggerRuleName, NotificationTopicArn];
}

/// <summary>
/// What ProvisionInfra's stack hands to PushEcr, DeployFargate and Mirror, typed. The task definition DeployFargate
/// registers uses <see cref="ServiceName"/> as its family and container name (the pipeline's role may register
/// revisions of that family only).
/// </summary>
public sealed record PlatformOutputs(
    string RepositoryUri,
    string RepositoryName,
    string ClusterName,
    string LogGroupName,
    string TaskExecutionRoleArn,
    string TaskRoleArn,
    string ServiceSecurityGroupId,
    IReadOnlyList<string> SubnetIds,
    string TargetGroupArn,
    Uri LoadBalancerUrl,
    string PipelineName,
    Uri CodeCommitCloneUrlHttp,
    string ArtifactBucketName,
    string ServiceName)
{
    /// <summary>The EventBridge rule that starts the pipeline on pushes to its branch; null for a stack provisioned before it
    /// became an output.</summary>
    public string? PipelineTriggerRuleName { get; init; }

    /// <summary>The SNS topic the platform's deploy notifications go to; null for a stack provisioned before it existed.</summary>
    public string? NotificationTopicArn { get; init; }

    /// <summary>Reads the stack's outputs (OutputKey → OutputValue); names every missing or malformed one at once.</summary>
    /// <exception cref="PlatformOutputsException">An output is missing, empty or malformed.</exception>
    public static PlatformOutputs Parse(IReadOnlyDictionary<string, string> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);

        var missing = PlatformOutputNames.All
            .Except(PlatformOutputNames.Optional)
            .Where(name => !outputs.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value))
            .ToList();
        if (missing.Count > 0)
        {
            throw new PlatformOutputsException(missing, []);
        }

        var malformed = new List<string>();
        string Get(string name) => outputs[name].Trim();

        Uri Url(string name)
        {
            if (Uri.TryCreate(Get(name), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
            {
                return uri;
            }

            malformed.Add($"{name} '{Get(name)}' is not an http(s) URL");
            return new Uri("http://invalid.invalid/");
        }

        var subnets = Get(PlatformOutputNames.SubnetIds).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (subnets.Length == 0)
        {
            malformed.Add($"{PlatformOutputNames.SubnetIds} '{Get(PlatformOutputNames.SubnetIds)}' lists no subnet");
        }

        var result = new PlatformOutputs(
            Get(PlatformOutputNames.RepositoryUri),
            Get(PlatformOutputNames.RepositoryName),
            Get(PlatformOutputNames.ClusterName),
            Get(PlatformOutputNames.LogGroupName),
            Get(PlatformOutputNames.TaskExecutionRoleArn),
            Get(PlatformOutputNames.TaskRoleArn),
            Get(PlatformOutputNames.ServiceSecurityGroupId),
            subnets,
            Get(PlatformOutputNames.TargetGroupArn),
            Url(PlatformOutputNames.LoadBalancerUrl),
            Get(PlatformOutputNames.PipelineName),
            Url(PlatformOutputNames.CodeCommitCloneUrlHttp),
            Get(PlatformOutputNames.ArtifactBucketName),
            Get(PlatformOutputNames.ServiceName))
        {
            PipelineTriggerRuleName = outputs.TryGetValue(PlatformOutputNames.PipelineTriggerRuleName, out var rule) && !string.IsNullOrWhiteSpace(rule) ? rule.Trim() : null,
            NotificationTopicArn = outputs.TryGetValue(PlatformOutputNames.NotificationTopicArn, out var topic) && !string.IsNullOrWhiteSpace(topic) ? topic.Trim() : null,
        };

        return malformed.Count == 0 ? result : throw new PlatformOutputsException([], malformed);
    }
}

/// <summary>The platform stack's outputs cannot be read: outputs are missing (stack not provisioned or too old) or malformed.</summary>
public sealed class PlatformOutputsException : Exception
{
    public PlatformOutputsException(IReadOnlyList<string> missing, IReadOnlyList<string> malformed)
        : base(Describe(missing, malformed))
    {
        Missing = missing;
        Malformed = malformed;
    }

    public PlatformOutputsException()
        : this("The platform stack's outputs cannot be read.")
    {
    }

    public PlatformOutputsException(string message)
        : base(message)
    {
    }

    public PlatformOutputsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The names of the outputs that are absent or empty.</summary>
    public IReadOnlyList<string> Missing { get; } = [];

    /// <summary>One description per output whose value cannot be used.</summary>
    public IReadOnlyList<string> Malformed { get; } = [];

    private static string Describe(IReadOnlyList<string> missing, IReadOnlyList<string> malformed) => missing.Count > 0
        ? $"The platform stack is missing {(missing.Count == 1 ? "the output" : "the outputs")} {string.Join(", ", missing)} (it needs {string.Join(", ", PlatformOutputNames.All.Except(PlatformOutputNames.Optional))}); run ProvisionInfra to create or update it."
        : $"The platform stack's outputs are malformed: {string.Join("; ", malformed)}.";
}
