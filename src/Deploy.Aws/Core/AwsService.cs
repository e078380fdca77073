namespace Deploy.Aws;

/// <summary>The wire protocol a service speaks.</summary>
public enum AwsProtocol
{
    /// <summary>POST / with X-Amz-Target and a JSON body (application/x-amz-json-1.1).</summary>
    Json11,

    /// <summary>Form-urlencoded Action/Version with an XML response.</summary>
    Query,
}

/// <summary>
/// Describes one AWS service: how to reach it, how to sign for it and how to speak to it.
/// The instances below are the only ones the clients use.
/// </summary>
public sealed record AwsService
{
    private AwsService(
        string serviceId,
        string displayName,
        string endpointPrefix,
        string signingName,
        AwsProtocol protocol,
        string? targetPrefix,
        string? apiVersion,
        bool isGlobal,
        Func<AwsErrorDetails, Exception?, AwsServiceException> exceptionFactory)
    {
        ServiceId = serviceId;
        DisplayName = displayName;
        EndpointPrefix = endpointPrefix;
        SigningName = signingName;
        Protocol = protocol;
        TargetPrefix = targetPrefix;
        ApiVersion = apiVersion;
        IsGlobal = isGlobal;
        ExceptionFactory = exceptionFactory;
    }

    /// <summary>The botocore <c>serviceId</c>, e.g. <c>CloudWatch Logs</c>; it names the endpoint variable.</summary>
    public string ServiceId { get; }

    /// <summary>The short name users know, used in error messages (e.g. <c>ECS</c>).</summary>
    public string DisplayName { get; }

    /// <summary>First label(s) of the standard endpoint host, e.g. <c>api.ecr</c>.</summary>
    public string EndpointPrefix { get; }

    /// <summary>The SigV4 service name, e.g. <c>ecr</c>.</summary>
    public string SigningName { get; }

    public AwsProtocol Protocol { get; }

    /// <summary>JSON 1.1 only: the X-Amz-Target prefix before <c>.Operation</c>.</summary>
    public string? TargetPrefix { get; }

    /// <summary>Query only: the <c>Version</c> parameter.</summary>
    public string? ApiVersion { get; }

    /// <summary>True for partition-global services (IAM): one endpoint, signed for the partition's home region.</summary>
    public bool IsGlobal { get; }

    internal Func<AwsErrorDetails, Exception?, AwsServiceException> ExceptionFactory { get; }

    /// <summary>The environment variable that overrides this service's endpoint, e.g. <c>AWS_ENDPOINT_URL_CLOUDWATCH_LOGS</c>.</summary>
    public string EndpointVariable => "AWS_ENDPOINT_URL_" + ServiceId.ToUpperInvariant().Replace(' ', '_');

    public static AwsService Ecs { get; } = new(
        "ECS", "ECS", "ecs", "ecs", AwsProtocol.Json11, "AmazonEC2ContainerServiceV20141113", null, false,
        (d, e) => new EcsException(d, e));

    public static AwsService Ecr { get; } = new(
        "ECR", "ECR", "api.ecr", "ecr", AwsProtocol.Json11, "AmazonEC2ContainerRegistry_V20150921", null, false,
        (d, e) => new EcrException(d, e));

    public static AwsService Logs { get; } = new(
        "CloudWatch Logs", "CloudWatch Logs", "logs", "logs", AwsProtocol.Json11, "Logs_20140328", null, false,
        (d, e) => new LogsException(d, e));

    public static AwsService CodeCommit { get; } = new(
        "CodeCommit", "CodeCommit", "codecommit", "codecommit", AwsProtocol.Json11, "CodeCommit_20150413", null, false,
        (d, e) => new CodeCommitException(d, e));

    public static AwsService CodeBuild { get; } = new(
        "CodeBuild", "CodeBuild", "codebuild", "codebuild", AwsProtocol.Json11, "CodeBuild_20161006", null, false,
        (d, e) => new CodeBuildException(d, e));

    public static AwsService CodePipeline { get; } = new(
        "CodePipeline", "CodePipeline", "codepipeline", "codepipeline", AwsProtocol.Json11, "CodePipeline_20150709", null, false,
        (d, e) => new CodePipelineException(d, e));

    public static AwsService CloudFormation { get; } = new(
        "CloudFormation", "CloudFormation", "cloudformation", "cloudformation", AwsProtocol.Query, null, "2010-05-15", false,
        (d, e) => new CloudFormationException(d, e));

    public static AwsService Iam { get; } = new(
        "IAM", "IAM", "iam", "iam", AwsProtocol.Query, null, "2010-05-08", true,
        (d, e) => new IamException(d, e));

    public static AwsService Sts { get; } = new(
        "STS", "STS", "sts", "sts", AwsProtocol.Query, null, "2011-06-15", false,
        (d, e) => new StsException(d, e));

    /// <summary>Every service the library speaks to.</summary>
    public static IReadOnlyList<AwsService> All { get; } = [Ecs, Ecr, Logs, CodeCommit, CodeBuild, CodePipeline, CloudFormation, Iam, Sts];

    public override string ToString() => ServiceId;
}
