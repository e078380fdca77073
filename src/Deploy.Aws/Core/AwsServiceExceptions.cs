namespace Deploy.Aws;

// One sealed type per service family, so callers can catch one service's failures; AwsService picks the type.
#pragma warning disable CA1032 // Only the session creates these, always from AwsErrorDetails.

/// <summary>A failed ECS call.</summary>
public sealed class EcsException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed ECR call.</summary>
public sealed class EcrException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed CloudWatch Logs call.</summary>
public sealed class LogsException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed CodeCommit call.</summary>
public sealed class CodeCommitException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed CodeBuild call.</summary>
public sealed class CodeBuildException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed CodePipeline call.</summary>
public sealed class CodePipelineException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed CloudFormation call.</summary>
public sealed class CloudFormationException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed IAM call.</summary>
public sealed class IamException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);

/// <summary>A failed STS call.</summary>
public sealed class StsException(AwsErrorDetails details, Exception? innerException = null) : AwsServiceException(details, innerException);
