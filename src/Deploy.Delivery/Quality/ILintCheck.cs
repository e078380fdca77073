namespace Deploy.Delivery.Quality;

/// <summary>A single lint check over the repository (formatting, shell scripts, Dockerfiles, YAML...).</summary>
public interface ILintCheck
{
    /// <summary>Short name shown in the output, e.g. "shellcheck".</summary>
    string Name { get; }

    Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken);
}

/// <summary>What every check needs: where the repository is, how to run tools, and the tools' location.</summary>
public sealed record LintContext(string RootDirectory, Deploy.Engine.ToolRunner Tools, LintTools Installed)
{
    /// <summary>Makes a path relative to the root with forward slashes, as findings print it.</summary>
    public string Relative(string path) =>
        Path.GetRelativePath(RootDirectory, Path.GetFullPath(path, RootDirectory)).Replace('\\', '/');
}
