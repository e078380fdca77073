namespace Deploy.Aws;

/// <summary>A failed Ecs call.</summary>
public sealed class EcsException : AwsServiceException
{
    public EcsException()
    {
    }

    public EcsException(string message)
        : base(message)
    {
    }

    public EcsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EcsException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed Ecr call.</summary>
public sealed class EcrException : AwsServiceException
{
    public EcrException()
    {
    }

    public EcrException(string message)
        : base(message)
    {
    }

    public EcrException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EcrException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed Logs call.</summary>
public sealed class LogsException : AwsServiceException
{
    public LogsException()
    {
    }

    public LogsException(string message)
        : base(message)
    {
    }

    public LogsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public LogsException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed CodeCommit call.</summary>
public sealed class CodeCommitException : AwsServiceException
{
    public CodeCommitException()
    {
    }

    public CodeCommitException(string message)
        : base(message)
    {
    }

    public CodeCommitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CodeCommitException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed CodeBuild call.</summary>
public sealed class CodeBuildException : AwsServiceException
{
    public CodeBuildException()
    {
    }

    public CodeBuildException(string message)
        : base(message)
    {
    }

    public CodeBuildException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CodeBuildException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed CodePipeline call.</summary>
public sealed class CodePipelineException : AwsServiceException
{
    public CodePipelineException()
    {
    }

    public CodePipelineException(string message)
        : base(message)
    {
    }

    public CodePipelineException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CodePipelineException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed CloudFormation call.</summary>
public sealed class CloudFormationException : AwsServiceException
{
    public CloudFormationException()
    {
    }

    public CloudFormationException(string message)
        : base(message)
    {
    }

    public CloudFormationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CloudFormationException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed Iam call.</summary>
public sealed class IamException : AwsServiceException
{
    public IamException()
    {
    }

    public IamException(string message)
        : base(message)
    {
    }

    public IamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public IamException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}

/// <summary>A failed Sts call.</summary>
public sealed class StsException : AwsServiceException
{
    public StsException()
    {
    }

    public StsException(string message)
        : base(message)
    {
    }

    public StsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public StsException(AwsErrorDetails details, Exception? innerException = null)
        : base(details, innerException)
    {
    }
}
