namespace Deploy.Engine;

/// <summary>Fails the current target with a one-line message (no stack trace unless verbose).</summary>
public sealed class BuildFailedException : Exception
{
    /// <summary>Creates the exception with the line to print.</summary>
    public BuildFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the line to print and its cause.</summary>
    public BuildFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public BuildFailedException()
        : base("The build failed.")
    {
    }
}

/// <summary>A usage or configuration error (bad option, unknown target, missing requirement): exit code 2.</summary>
internal sealed class BuildConfigurationException(string message) : Exception(message);
