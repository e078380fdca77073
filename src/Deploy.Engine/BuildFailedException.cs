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

/// <summary>
/// A usage or configuration error (bad option, unknown target, missing requirement): one line, exit code 2, nothing runs.
/// Builds throw it from <see cref="BuildBase.OnBuildInitialized"/>.
/// </summary>
public sealed class BuildConfigurationException : Exception
{
    /// <summary>Creates the exception with the line to print.</summary>
    public BuildConfigurationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the line to print and its cause.</summary>
    public BuildConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a generic message.</summary>
    public BuildConfigurationException()
        : base("The build is misconfigured.")
    {
    }
}
