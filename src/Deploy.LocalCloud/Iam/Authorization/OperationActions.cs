namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>
/// What IAM authorizes for an operation the local cloud serves, as AWS's Service Authorization Reference gives it: the
/// action, the resource type with its ARN format (<c>*</c> for actions without resource-level permissions) and the
/// condition keys the request supplies. <see cref="Operation"/> is the API operation (botocore's name), or null for an
/// action that no single operation names (<c>iam:PassRole</c> when a role is passed, the git and registry data planes).
/// </summary>
internal sealed record OperationAction(string Service, string? Operation, string Action, string ResourceType, string ArnFormat, params string[] ConditionKeys);

/// <summary>
/// The delivery path's operations and their IAM actions: the table an enforcement hook looks requests up in (a test
/// checks it against the Service Authorization Reference). Not yet every operation the local cloud serves.
/// </summary>
internal static class OperationActions
{
    private const string Repository = "arn:${Partition}:ecr:${Region}:${Account}:repository/${RepositoryName}";
    private const string EcsService = "arn:${Partition}:ecs:${Region}:${Account}:service/${ClusterName}/${ServiceName}";
    private const string TaskDefinition = "arn:${Partition}:ecs:${Region}:${Account}:task-definition/${TaskDefinitionFamilyName}:${TaskDefinitionRevisionNumber}";
    private const string LogGroup = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}";
    private const string LogStream = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
    private const string Bucket = "arn:${Partition}:s3:::${BucketName}";
    private const string S3Object = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    private const string Project = "arn:${Partition}:codebuild:${Region}:${Account}:project/${ProjectName}";
    private const string Pipeline = "arn:${Partition}:codepipeline:${Region}:${Account}:${PipelineName}";
    private const string CodeCommitRepository = "arn:${Partition}:codecommit:${Region}:${Account}:${RepositoryName}";
    private const string Stack = "arn:${Partition}:cloudformation:${Region}:${Account}:stack/${StackName}/${Id}";
    private const string Role = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    public static IReadOnlyList<OperationAction> All { get; } =
    [
        // ECR: the API and a push/pull through the registry (the data plane authorizes the same actions).
        new("ecr", "GetAuthorizationToken", "ecr:GetAuthorizationToken", "*", "*"),
        new("ecr", "DescribeRepositories", "ecr:DescribeRepositories", "repository", Repository),
        new("ecr", "DescribeImages", "ecr:DescribeImages", "repository", Repository),
        new("ecr", "DescribeImageScanFindings", "ecr:DescribeImageScanFindings", "repository", Repository),
        new("ecr", "BatchCheckLayerAvailability", "ecr:BatchCheckLayerAvailability", "repository", Repository),
        new("ecr", "InitiateLayerUpload", "ecr:InitiateLayerUpload", "repository", Repository),
        new("ecr", "UploadLayerPart", "ecr:UploadLayerPart", "repository", Repository),
        new("ecr", "CompleteLayerUpload", "ecr:CompleteLayerUpload", "repository", Repository),
        new("ecr", "PutImage", "ecr:PutImage", "repository", Repository),
        new("ecr", "BatchGetImage", "ecr:BatchGetImage", "repository", Repository),
        new("ecr", "GetDownloadUrlForLayer", "ecr:GetDownloadUrlForLayer", "repository", Repository),
        new("ecr", "ListImages", "ecr:ListImages", "repository", Repository),
        new("ecr", "BatchDeleteImage", "ecr:BatchDeleteImage", "repository", Repository),

        // ECS: what a deploy calls.
        new("ecs", "RegisterTaskDefinition", "ecs:RegisterTaskDefinition", "task-definition", TaskDefinition),
        new("ecs", "DescribeTaskDefinition", "ecs:DescribeTaskDefinition", "*", "*"),
        new("ecs", "DescribeServices", "ecs:DescribeServices", "service", EcsService, "ecs:cluster"),
        new("ecs", "UpdateService", "ecs:UpdateService", "service", EcsService, "ecs:cluster"),
        new("ecs", "CreateService", "ecs:CreateService", "service", EcsService, "ecs:cluster", "ecs:task-definition"),
        new("ecs", "DescribeTasks", "ecs:DescribeTasks", "task", "arn:${Partition}:ecs:${Region}:${Account}:task/${ClusterName}/${TaskId}", "ecs:cluster"),
        new("ecs", "ListTasks", "ecs:ListTasks", "container-instance", "arn:${Partition}:ecs:${Region}:${Account}:container-instance/${ClusterName}/${ContainerInstanceId}", "ecs:cluster"),

        // CloudWatch Logs: awslogs and the build's log.
        new("logs", "CreateLogStream", "logs:CreateLogStream", "log-stream", LogStream),
        new("logs", "PutLogEvents", "logs:PutLogEvents", "log-stream", LogStream),
        new("logs", "GetLogEvents", "logs:GetLogEvents", "log-stream", LogStream),
        new("logs", "DescribeLogStreams", "logs:DescribeLogStreams", "log-group", LogGroup),

        // S3: every operation the REST endpoint serves (HEAD is authorized as the GET it stands for; a versioned read
        // or delete as its *Version action).
        new("s3", "ListBuckets", "s3:ListAllMyBuckets", "*", "*"),
        new("s3", "CreateBucket", "s3:CreateBucket", "bucket", Bucket),
        new("s3", "DeleteBucket", "s3:DeleteBucket", "bucket", Bucket),
        new("s3", "HeadBucket", "s3:ListBucket", "bucket", Bucket),
        new("s3", "ListObjectsV2", "s3:ListBucket", "bucket", Bucket, "s3:prefix"),
        new("s3", "ListObjectVersions", "s3:ListBucketVersions", "bucket", Bucket, "s3:prefix"),
        new("s3", "GetBucketLocation", "s3:GetBucketLocation", "bucket", Bucket),
        new("s3", "GetBucketAcl", "s3:GetBucketAcl", "bucket", Bucket),
        new("s3", "GetBucketVersioning", "s3:GetBucketVersioning", "bucket", Bucket),
        new("s3", "PutBucketVersioning", "s3:PutBucketVersioning", "bucket", Bucket),
        new("s3", "GetBucketEncryption", "s3:GetEncryptionConfiguration", "bucket", Bucket),
        new("s3", "PutBucketEncryption", "s3:PutEncryptionConfiguration", "bucket", Bucket),
        new("s3", "GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", "bucket", Bucket),
        new("s3", "PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "bucket", Bucket),
        new("s3", "GetObject", "s3:GetObject", "object", S3Object),
        new("s3", "HeadObject", "s3:GetObject", "object", S3Object),
        new("s3", "PutObject", "s3:PutObject", "object", S3Object),
        new("s3", "DeleteObject", "s3:DeleteObject", "object", S3Object),
        new("s3", null, "s3:GetObjectVersion", "object", S3Object),
        new("s3", null, "s3:DeleteObjectVersion", "object", S3Object),

        // The pipeline and its build.
        new("codebuild", "StartBuild", "codebuild:StartBuild", "project", Project),
        new("codebuild", "BatchGetBuilds", "codebuild:BatchGetBuilds", "project", Project),
        new("codebuild", "CreateProject", "codebuild:CreateProject", "project", Project),
        new("codebuild", "UpdateProject", "codebuild:UpdateProject", "project", Project),
        new("codepipeline", "CreatePipeline", "codepipeline:CreatePipeline", "pipeline", Pipeline),
        new("codepipeline", "UpdatePipeline", "codepipeline:UpdatePipeline", "pipeline", Pipeline),
        new("events", "PutTargets", "events:PutTargets", "rule-on-default-event-bus", "arn:${Partition}:events:${Region}:${Account}:rule/${RuleName}"),
        new("codepipeline", "StartPipelineExecution", "codepipeline:StartPipelineExecution", "pipeline", Pipeline),
        new("codepipeline", "GetPipelineState", "codepipeline:GetPipelineState", "pipeline", Pipeline),
        new("codepipeline", "GetPipeline", "codepipeline:GetPipeline", "pipeline", Pipeline),
        new("codepipeline", "GetPipelineExecution", "codepipeline:GetPipelineExecution", "pipeline", Pipeline),
        new("codepipeline", "ListPipelineExecutions", "codepipeline:ListPipelineExecutions", "pipeline", Pipeline),
        new("codepipeline", "ListActionExecutions", "codepipeline:ListActionExecutions", "pipeline", Pipeline),
        new("codecommit", "GetBranch", "codecommit:GetBranch", "repository", CodeCommitRepository),
        new("codecommit", "GetCommit", "codecommit:GetCommit", "repository", CodeCommitRepository),
        new("codecommit", null, "codecommit:GitPull", "repository", CodeCommitRepository),
        new("codecommit", null, "codecommit:GitPush", "repository", CodeCommitRepository, "codecommit:References"),

        // CloudFormation: ProvisionInfra and the build reading the stack's outputs.
        new("cloudformation", "DescribeStacks", "cloudformation:DescribeStacks", "stack", Stack),
        new("cloudformation", "DescribeStackEvents", "cloudformation:DescribeStackEvents", "stack", Stack),
        new("cloudformation", "CreateChangeSet", "cloudformation:CreateChangeSet", "stack", Stack),
        new("cloudformation", "ExecuteChangeSet", "cloudformation:ExecuteChangeSet", "stack", Stack),

        // IAM and STS: roles, passing one to a service, assuming one.
        new("iam", "GetRole", "iam:GetRole", "role", Role),
        new("iam", "PutRolePolicy", "iam:PutRolePolicy", "role", Role),
        new("iam", null, "iam:PassRole", "role", Role, "iam:PassedToService"),
        new("sts", "AssumeRole", "sts:AssumeRole", "role", Role),
    ];
}
