using Deploy.Engine;

namespace Deploy.Delivery.Notifications;

/// <summary>
/// Where a run happened and which commit it was about, from what the host sets: GitLab's <c>CI_*</c> variables,
/// CodeBuild's <c>CODEBUILD_*</c>, else git in the checkout.
/// </summary>
public static class RunFacts
{
    private const string DirtySuffix = "-dirty";

    /// <summary>The GitLab job (its URL), the CodeBuild build (the console link the host computed), or the machine.</summary>
    public static RunLocation Where(IBuildHost host, IReadOnlyDictionary<string, string> environment, string machineName)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(environment);
        var url = Uri.TryCreate(host.BuildUrl, UriKind.Absolute, out var parsed) ? parsed : null;
        return host.Kind switch
        {
            HostKind.GitLab => new RunLocation(
                "GitLab job" + (Get(environment, "CI_JOB_NAME") is { } name ? " " + name : "") + (Get(environment, "CI_JOB_ID") is { } id ? " #" + id : ""),
                url),
            HostKind.CodeBuild => new RunLocation("CodeBuild build " + (Get(environment, "CODEBUILD_BUILD_ID") ?? ""), url),
            _ => new RunLocation($"host {machineName}", url),
        };
    }

    /// <summary>
    /// <paramref name="sha"/> with its subject and author: GitLab's <c>CI_COMMIT_TITLE</c>/<c>CI_COMMIT_AUTHOR</c> when it is
    /// the pipeline's commit, else what <paramref name="git"/> says (null when git does not know it, e.g. CodeBuild's
    /// source without .git); linked under <c>CI_PROJECT_URL</c> when known. Null when there is no commit.
    /// </summary>
    public static async Task<CommitInfo?> CommitAsync(
        string? sha, IReadOnlyDictionary<string, string> environment, Func<string, Task<(string? Title, string? Author)>> git)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(git);
        if (string.IsNullOrWhiteSpace(sha))
        {
            return null;
        }

        // BuildImage marks a build from uncommitted changes; the commit underneath is what git and GitLab know.
        // (-dirty, or -dirty-<content hash>)
        var dirty = sha.IndexOf(DirtySuffix, StringComparison.Ordinal);
        var clean = dirty >= 0 ? sha[..dirty] : sha;

        var (title, author) = Get(environment, "CI_COMMIT_SHA") == clean
            ? (Get(environment, "CI_COMMIT_TITLE"), AuthorName(Get(environment, "CI_COMMIT_AUTHOR")))
            : (null, null);
        if (title is null || author is null)
        {
            var known = await git(clean);
            title ??= known.Title;
            author ??= known.Author;
        }

        var url = Get(environment, "CI_PROJECT_URL") is { } project && Uri.TryCreate($"{project.TrimEnd('/')}/-/commit/{clean}", UriKind.Absolute, out var link)
            ? link
            : null;
        return new CommitInfo(sha, title, author, url);
    }

    /// <summary>Subject and author name of <paramref name="sha"/> from git in the checkout, quietly; nulls when git cannot tell.</summary>
    public static async Task<(string? Title, string? Author)> GitAsync(ToolRunner tools, string sha, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tools);
        try
        {
            var result = await tools.RunAsync(
                "git",
                ["log", "-1", "--no-show-signature", "--format=%s%n%an", sha, "--"],
                new ToolOptions { CaptureOutput = true, EchoOutput = false, ThrowOnFailure = false },
                cancellationToken);
            return result.ExitCode == 0 && result.Output.Count >= 2 ? (Blank(result.Output[0]), Blank(result.Output[1])) : (null, null);
        }
        catch (ToolFailedException)
        {
            return (null, null); // git is not installed
        }
    }

    /// <summary><c>Jane Doe &lt;jane@example.com&gt;</c> → <c>Jane Doe</c>: the channel needs the name, not the address.</summary>
    public static string? AuthorName(string? author)
    {
        if (author is null)
        {
            return null;
        }

        var open = author.IndexOf(" <", StringComparison.Ordinal);
        return Blank(open > 0 && author.EndsWith('>') ? author[..open] : author);
    }

    private static string? Get(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) ? Blank(value) : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
