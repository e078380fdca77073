using System.Text.RegularExpressions;
using Deploy.Engine;

namespace Deploy.Delivery.Images;

/// <summary>The source an image is built from: the commit (with <c>-dirty</c> for uncommitted local changes), the
/// branch when known, and the repository URL without credentials when known.</summary>
public sealed partial record SourceRevision(string Commit, string? Branch, string? SourceUrl)
{
    public const string DirtySuffix = "-dirty";

    /// <summary>Whether the commit has uncommitted changes on top (<c>-dirty</c>, or <c>-dirty-&lt;content&gt;</c>).</summary>
    public bool IsDirty => DirtyAt(Commit) >= 0;

    /// <summary>The commit shortened to 12 characters, keeping <c>-dirty</c> and its content hash.</summary>
    public string ShortCommit
    {
        get
        {
            var dirty = DirtyAt(Commit);
            var sha = dirty >= 0 ? Commit[..dirty] : Commit;
            return (sha.Length > 12 ? sha[..12] : sha) + (dirty >= 0 ? Commit[dirty..] : "");
        }
    }

    /// <summary>
    /// A dirty commit tagged by what was built: <c>&lt;sha&gt;-dirty-&lt;first 12 of inputHash&gt;</c>. A plain
    /// <c>-dirty</c> tag would name every iteration on one commit alike, and an immutable registry refuses the second.
    /// A clean commit already pins its sources and stays as it is.
    /// </summary>
    public SourceRevision WithContent(string inputHash) =>
        Commit.EndsWith(DirtySuffix, StringComparison.Ordinal) ? this with { Commit = $"{Commit}-{inputHash[..12]}" } : this;

    private static int DirtyAt(string commit)
    {
        var at = commit.IndexOf(DirtySuffix, StringComparison.Ordinal);
        return at >= 0 && (at + DirtySuffix.Length == commit.Length || commit[at + DirtySuffix.Length] == '-') ? at : -1;
    }

    /// <summary>
    /// From the host: GitLab's <c>CI_COMMIT_SHA</c> and <c>CI_PROJECT_URL</c>, CodeBuild's
    /// <c>CODEBUILD_RESOLVED_SOURCE_VERSION</c> and <c>CODEBUILD_SOURCE_REPO_URL</c>; elsewhere git: <c>rev-parse HEAD</c>,
    /// <c>-dirty</c> when <c>status --porcelain</c> lists anything, and <c>remote get-url origin</c>.
    /// </summary>
    public static async Task<SourceRevision> DetectAsync(
        IBuildHost host, IReadOnlyDictionary<string, string> environment, ToolRunner tools, string repositoryRoot, CancellationToken cancellationToken)
    {
        var commit = host.CommitSha
            ?? throw new BuildFailedException($"The commit to tag the image with is unknown: {repositoryRoot} is not a git work tree and no CI commit variable is set.");
        string? source;
        if (host.Kind == HostKind.GitLab)
        {
            source = Get(environment, "CI_PROJECT_URL");
        }
        else if (host.Kind == HostKind.CodeBuild)
        {
            source = Get(environment, "CODEBUILD_SOURCE_REPO_URL");
        }
        else
        {
            // CI checkouts are clean by construction; only a work tree can carry uncommitted changes.
            var status = await GitAsync(tools, repositoryRoot, ["status", "--porcelain"], cancellationToken);
            if (status is { Count: > 0 })
                commit += DirtySuffix;
            source = await GitAsync(tools, repositoryRoot, ["remote", "get-url", "origin"], cancellationToken) is [var origin, ..] ? origin : null;
        }

        return new SourceRevision(commit, host.Branch, source is null ? null : WithoutCredentials(source));
    }

    /// <summary>Removes <c>user:password@</c> (or a lone token) from a URL; scp-like <c>git@host:path</c> stays as it is.</summary>
    public static string WithoutCredentials(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0 && url.Contains("://", StringComparison.Ordinal)
            ? UserInfo().Replace(url, "$1", 1)
            : url;

    private static string? Get(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

    private static async Task<IReadOnlyList<string>?> GitAsync(ToolRunner tools, string directory, string[] arguments, CancellationToken cancellationToken)
    {
        try
        {
            var options = new ToolOptions { WorkingDirectory = directory, CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false };
            var result = await tools.RunAsync("git", arguments, options, cancellationToken);
            return result.ExitCode == 0 ? result.Output.Where(l => l.Length > 0).ToList() : null;
        }
        catch (ToolFailedException)
        {
            return null; // git is not installed
        }
    }

    [GeneratedRegex("^([a-zA-Z][a-zA-Z0-9+.-]*://)[^/@]*@")]
    private static partial Regex UserInfo();
}
