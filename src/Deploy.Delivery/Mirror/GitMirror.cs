using System.Globalization;
using Deploy.Aws.CodeCommit;
using Deploy.Engine;

namespace Deploy.Delivery.Mirror;

/// <summary>What a mirror run changed at the target.</summary>
/// <param name="Updates">The refs pushed or deleted, by name; empty when up to date.</param>
public sealed record MirrorResult(IReadOnlyList<RefUpdate> Updates)
{
    /// <summary>Nothing was pushed: the target already had every ref.</summary>
    public bool UpToDate => Updates.Count == 0;

    /// <summary>The summary note: <c>up to date</c> or <c>3 refs: ...</c>.</summary>
    public string Summary => UpToDate
        ? "up to date"
        : Updates.Count.ToString(CultureInfo.InvariantCulture) + (Updates.Count == 1 ? " ref: " : " refs: ") + string.Join(", ", Updates);
}

/// <summary>
/// Pushes a local repository to a remote like GitLab's push mirror: every branch and tag in the mirrored namespaces,
/// refs deleted at the source pruned at the target, rewrites refused unless forced (decided before pushing, from
/// the target's refs and <c>git merge-base --is-ancestor</c>), and no push at all when the target is up to date.
/// The password reaches git through an inline credential helper that reads it from the git process's environment:
/// never in the URL, <c>.git/config</c>, a file or the log. Over http(s) one <c>git remote-http</c> process lists the
/// target and pushes (<see cref="GitRemoteHelper"/>): the requests of a plain <c>git push</c>, no separate ls-remote.
/// </summary>
/// <param name="tools">Runs git (echoes masked command lines).</param>
/// <param name="log">Progress lines.</param>
/// <param name="registerSecret">Masks a runtime secret in all later output (<c>BuildBase.RegisterSecret</c>).</param>
public sealed partial class GitMirror(ToolRunner tools, IBuildLog log, Action<string> registerSecret)
{
    /// <summary>Mirrors <see cref="GitMirrorOptions.SourceDirectory"/> to <see cref="GitMirrorOptions.RemoteUrl"/>.</summary>
    /// <exception cref="BuildFailedException">One line: rewrites without force, wrong credentials, missing repository,
    /// network failure, a shallow clone that cannot be deepened, or a rejected push.</exception>
    public async Task<MirrorResult> RunAsync(GitMirrorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var remote = options.RemoteUrl;
        if (!string.IsNullOrEmpty(remote.UserInfo))
            throw new BuildFailedException($"The mirror's remote URL must not contain credentials: {remote.Scheme}://***@{remote.Authority}{remote.AbsolutePath}.");
        var refspecs = ParseRefspecs(options.Refspecs);
        var filter = new BranchFilter(options.Branches);
        log.Information($"Mirroring {options.SourceDirectory} to {remote} with {options.Credentials.Description}");

        // The target's refs travel while the source is inspected; a source error wins over a target error. The listing
        // starts first: it is the longer path (git, its HTTP helper, a round trip), and starting a process blocks.
        await using var helper = remote.Scheme is "http" or "https" ? await StartHelperAsync(options, cancellationToken) : null;
        var targetTask = helper is null ? ListTargetAsync(options, cancellationToken) : ListTargetAsync(helper, options, cancellationToken);
        var sourceTask = SourceRefsAsync(options, filter, cancellationToken);
        await Task.WhenAll(sourceTask, targetTask);
        var sourceRefs = await sourceTask;
        var targetRefs = await targetTask;

        IReadOnlyDictionary<string, string> desired;
        try
        {
            desired = MirrorPlan.Desired(sourceRefs.Refs, refspecs, filter);
        }
        catch (ArgumentException e)
        {
            throw new BuildFailedException(e.Message);
        }

        // A CI checkout holds the job's commit and whatever refs the runner chose to fetch, not the project's refs: pruning
        // from it would delete at the target what the job merely did not fetch.
        var pruneNamespaces = options.Prune && !sourceRefs.BranchesFromJob ? refspecs : [];
        // Many updated branches must not start hundreds of git processes at once.
        using var ancestryChecks = new SemaphoreSlim(Math.Max(2, Environment.ProcessorCount));
        var updates = await MirrorPlan.ComputeAsync(
            desired, targetRefs, pruneNamespaces, filter,
            (old, @new) => IsAncestorAsync(options.SourceDirectory, old, @new, ancestryChecks, cancellationToken));

        if (updates.Count == 0)
        {
            log.Information($"{remote} is up to date ({desired.Count} refs)");
            return new MirrorResult([]);
        }

        var rewrites = updates.Where(u => u.Change == RefChange.Rewrite).ToList();
        if (rewrites.Count > 0 && !options.Force)
        {
            throw new BuildFailedException(
                $"Refusing to rewrite {rewrites.Count} ref(s) at {remote} (not fast-forwards): {string.Join(", ", rewrites)}. "
                + "Re-run with --force-mirror to overwrite them; nothing was pushed.");
        }

        var deletions = updates.Where(u => u.Change == RefChange.Delete).ToList();
        if (deletions.Count > 0)
        {
            await CheckSourceHoldsTheRefsAsync(options, sourceRefs, deletions, cancellationToken);
            // Said before the push, so an interrupted or half-rejected push still shows what it was deleting.
            log.Warning($"Deleting {deletions.Count} ref(s) at {remote} that this checkout no longer has (--mirror-prune false keeps them):");
            foreach (var deletion in deletions)
                log.Warning("  " + deletion);
        }

        await (helper is null ? PushAsync(options, updates, cancellationToken) : PushAsync(helper, options, updates, cancellationToken));
        foreach (var update in updates)
            log.Information("  " + update);
        return new MirrorResult(updates);
    }

    /// <summary>
    /// Pruning trusts the checkout to hold every branch of the project. A detached HEAD, a shallow or single-branch clone,
    /// or a branch this checkout still tracks from a remote says it does not: deleting there would lose a branch at the
    /// target, so the mirror refuses before pushing anything.
    /// </summary>
    private async Task CheckSourceHoldsTheRefsAsync(
        GitMirrorOptions options, SourceRefs source, List<RefUpdate> deletions, CancellationToken cancellationToken)
    {
        var directory = options.SourceDirectory;
        string? why = null;
        if (source.WasShallow)
        {
            why = "it was a shallow clone, which holds only some of the project's refs";
        }
        else if (!await IsOnBranchAsync(directory, cancellationToken))
        {
            why = "HEAD is detached, as in a CI checkout that holds one commit rather than the project's branches";
        }
        else if (await SingleBranchRemoteAsync(directory, cancellationToken) is { } remoteName)
        {
            why = $"it is a single-branch clone (remote {remoteName} fetches one branch only)";
        }
        else
        {
            var tracked = await TrackedBranchesAsync(directory, cancellationToken);
            var stillTracked = deletions.Where(d => d.Ref.StartsWith("refs/heads/", StringComparison.Ordinal) && tracked.Contains(d.Ref["refs/heads/".Length..])).ToList();
            if (stillTracked.Count > 0)
                why = $"{string.Join(", ", stillTracked.Select(d => d.Ref))} still exist(s) at a remote of this checkout (refs/remotes/*), only not as local branches";
        }

        if (why is not null)
        {
            throw new BuildFailedException(
                $"Refusing to delete {deletions.Count} ref(s) at {options.RemoteUrl} ({string.Join(", ", deletions.Select(d => d.Ref))}): {why}. "
                + "Mirror from a full clone that holds every branch, or pass --mirror-prune false; nothing was pushed.");
        }
    }

    /// <summary>The first remote whose fetch refspecs name no <c>refs/heads/*</c> pattern (<c>git clone --single-branch</c>).</summary>
    private async Task<string?> SingleBranchRemoteAsync(string directory, CancellationToken cancellationToken)
    {
        var fetches = await GitAsync(directory, ["config", "--get-regexp", @"^remote\..*\.fetch$"], cancellationToken);
        var byRemote = fetches.Output
            .Select(l => l.Split(' ', 2))
            .Where(p => p.Length == 2)
            .GroupBy(p => p[0]["remote.".Length..^".fetch".Length], p => p[1].Trim(), StringComparer.Ordinal);
        return byRemote.FirstOrDefault(g => !g.Any(spec => spec.TrimStart('+').StartsWith("refs/heads/*:", StringComparison.Ordinal)))?.Key;
    }

    /// <summary>Branch names under <c>refs/remotes/&lt;remote&gt;/</c>.</summary>
    private async Task<HashSet<string>> TrackedBranchesAsync(string directory, CancellationToken cancellationToken)
    {
        var listed = await GitAsync(directory, ["for-each-ref", "--format=%(refname)", "refs/remotes/"], cancellationToken);
        return [.. listed.Output
            .Select(l => l.Trim().Split('/', 4))
            .Where(p => p.Length == 4 && p[3] != "HEAD")
            .Select(p => p[3])];
    }

    private static List<MirrorRefspec> ParseRefspecs(IReadOnlyList<string> refspecs)
    {
        try
        {
            return [.. refspecs.Select(MirrorRefspec.Parse)];
        }
        catch (ArgumentException e)
        {
            throw new BuildFailedException(e.Message);
        }
    }

    private sealed record SourceRefs(IReadOnlyDictionary<string, string> Refs, bool BranchesFromJob, bool WasShallow);

    private async Task<SourceRefs> SourceRefsAsync(GitMirrorOptions options, BranchFilter filter, CancellationToken cancellationToken)
    {
        var directory = options.SourceDirectory;
        // Both at once: the listing stands unless the clone was shallow (the fetch that deepens it may move refs).
        string[] listRefs = ["for-each-ref", "--format=%(objectname) %(refname) %(symref)"];
        var listing = GitAsync(directory, listRefs, cancellationToken);
        var shallow = await GitAsync(directory, ["rev-parse", "--is-shallow-repository"], cancellationToken);
        var listed = await listing;
        if (shallow.ExitCode != 0)
            throw new BuildFailedException($"{directory} is not a git repository: {LastLine(shallow)}");
        var wasShallow = shallow.Output.Count > 0 && shallow.Output[0].Trim() == "true";
        if (wasShallow)
        {
            await UnshallowAsync(options, cancellationToken);
            listed = await GitAsync(directory, listRefs, cancellationToken);
        }

        // Symbolic refs (refs/remotes/origin/HEAD) are aliases, not refs to mirror.
        if (listed.ExitCode != 0)
            throw new BuildFailedException($"Could not list the refs of {directory}: {LastLine(listed)}");
        var refs = ParseRefs(listed.Output.Select(l => l.Split(' ')).Where(p => p.Length >= 2 && (p.Length < 3 || p[2].Length == 0)).Select(p => p[0] + " " + p[1]), ' ');

        // GitLab checks out the job's commit on a detached HEAD; its local branches are not the project's branches.
        var job = options.GitLab;
        if (job is null)
            return new SourceRefs(refs, BranchesFromJob: false, wasShallow);

        // A CI clone holds the job's commit (on a detached HEAD, as GitLab checks it out), not the project's branches: its
        // local branches are replaced by the job's, and branches are never pruned from it. To mirror every branch from a
        // job, fetch them and use the refspec refs/remotes/origin/*:refs/heads/*.
        var detached = !await IsOnBranchAsync(directory, cancellationToken);
        foreach (var name in refs.Keys.Where(k => k.StartsWith("refs/heads/", StringComparison.Ordinal)).ToList())
            refs.Remove(name);
        var branch = "refs/heads/" + job.RefName;
        if (job.IsTag)
        {
            log.Information($"GitLab tag pipeline ({job.RefName}): no branch to push, tags only");
        }
        else if (!filter.Allows(branch))
        {
            log.Information($"GitLab job on {job.RefName}, which is not a mirrored branch ({string.Join(", ", options.Branches)}): no branch is pushed");
        }
        else
        {
            refs[branch] = job.CommitSha;
            log.Information($"GitLab job{(detached ? " on a detached HEAD" : "")}: pushing {job.CommitSha} as {branch}; other branches are neither pushed nor pruned, and nothing is deleted");
        }

        return new SourceRefs(refs, BranchesFromJob: true, wasShallow);
    }

    private async Task UnshallowAsync(GitMirrorOptions options, CancellationToken cancellationToken)
    {
        log.Information($"{options.SourceDirectory} is a shallow clone: fetching the full history (git fetch --unshallow) so the mirror gets complete commits");
        var fetched = await GitAsync(options.SourceDirectory, ["fetch", "--unshallow", "--quiet"], cancellationToken, echo: true);
        if (fetched.ExitCode == 0)
            return;
        var fix = options.GitLab is not null
            ? "set GIT_DEPTH: 0 in the mirror job's variables (.gitlab-ci.yml) so GitLab clones the full history"
            : "clone without --depth, or run git fetch --unshallow yourself";
        throw new BuildFailedException(
            $"{options.SourceDirectory} is a shallow clone and git fetch --unshallow failed ({LastLine(fetched)}): {fix}.");
    }

    private async Task<bool> IsOnBranchAsync(string directory, CancellationToken cancellationToken) =>
        (await GitAsync(directory, ["symbolic-ref", "-q", "HEAD"], cancellationToken)).ExitCode == 0;

    // Exit 0: an ancestor; 1: not; 128: the target's commit is unknown here (so not a fast-forward either).
    private async Task<bool> IsAncestorAsync(
        string directory, string ancestor, string descendant, SemaphoreSlim ancestryChecks, CancellationToken cancellationToken)
    {
        await ancestryChecks.WaitAsync(cancellationToken);
        try
        {
            return (await GitAsync(directory, ["merge-base", "--is-ancestor", ancestor, descendant], cancellationToken)).ExitCode == 0;
        }
        finally
        {
            ancestryChecks.Release();
        }
    }

    /// <summary>Output that is only parsed is read by <see cref="GitProcess"/>; shown output streams through the tool runner.</summary>
    private Task<ToolResult> GitAsync(
        string directory, IEnumerable<string> arguments, CancellationToken cancellationToken, bool echo = false,
        IReadOnlyDictionary<string, string?>? extra = null) =>
        echo
            ? tools.RunAsync("git", arguments, new ToolOptions
            {
                WorkingDirectory = directory,
                Environment = GitEnvironment(extra),
                CaptureOutput = true,
                EchoOutput = true,
                ThrowOnFailure = false,
            }, cancellationToken)
            : GitProcess.RunAsync(directory, [.. arguments], tools.Environment, GitEnvironment(extra), log, cancellationToken);

    /// <summary>Never a prompt, English messages (<see cref="GitRemoteErrors"/> reads them), plus <paramref name="extra"/>.</summary>
    private static Dictionary<string, string?> GitEnvironment(IReadOnlyDictionary<string, string?>? extra)
    {
        var environment = new Dictionary<string, string?>
        {
            ["GIT_TERMINAL_PROMPT"] = "0",
            ["GCM_INTERACTIVE"] = "never",
            ["GIT_ASKPASS"] = null,
            ["SSH_ASKPASS"] = null,
            ["LC_ALL"] = "C",
            ["LANGUAGE"] = null,
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string?>())
            environment[name] = value;
        return environment;
    }

    private static Dictionary<string, string> ParseRefs(IEnumerable<string> lines, char separator)
    {
        var refs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var index = line.IndexOf(separator, StringComparison.Ordinal);
            if (index > 0)
                refs[line[(index + 1)..].Trim()] = line[..index].Trim();
        }

        return refs;
    }

    private static string Failure(GitMirrorOptions options, string action, ToolResult result) =>
        GitRemoteErrors.Classify(options.RemoteUrl, action, result.ErrorOutput, options.Credentials.RejectedHint)
        ?? $"{action} {options.RemoteUrl} failed: {LastLine(result)}";

    private static string LastLine(ToolResult result) =>
        result.ErrorOutput.LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim()
        ?? $"git exited with code {result.ExitCode.ToString(CultureInfo.InvariantCulture)}";
}
