using Deploy.Aws.CodeCommit;
using Deploy.Engine;

namespace Deploy.Delivery.Mirror;

/// <summary>The mirror's side that talks to the target: credentials, the listing, the push.</summary>
public sealed partial class GitMirror
{
    private const string UsernameVariable = "DEPLOY_MIRROR_GIT_USERNAME";
    private const string PasswordVariable = "DEPLOY_MIRROR_GIT_PASSWORD";

    // Empty first: drops every configured helper (a "store" helper would otherwise save the password to disk).
    private static readonly string[] CredentialConfig =
    [
        "-c", "credential.helper=",
        "-c", $"credential.helper=!f() {{ test \"$1\" = get && printf 'username=%s\\npassword=%s\\n' \"${UsernameVariable}\" \"${PasswordVariable}\"; }}; f",
        "-c", "credential.useHttpPath=true",
        "-c", "core.askPass=",
    ];

    /// <summary>Other transports (file://, which has no remote helper): <c>git ls-remote</c>, later <c>git push</c>.</summary>
    private async Task<Dictionary<string, string>> ListTargetAsync(GitMirrorOptions options, CancellationToken cancellationToken)
    {
        // Protocol v0: the refs come with the first authenticated GET; v2 adds an ls-refs POST (one more round trip).
        var result = await RemoteGitAsync(options, ["-c", "protocol.version=0", "ls-remote", options.RemoteUrl.AbsoluteUri], echo: false, cancellationToken);
        if (result.ExitCode != 0)
            throw new BuildFailedException(Failure(options, "Reading the refs of", result));
        return TargetRefs(result.Output, '\t');
    }

    private async Task<GitRemoteHelper> StartHelperAsync(GitMirrorOptions options, CancellationToken cancellationToken)
    {
        var credentials = await CredentialEnvironmentAsync(options, cancellationToken);
        var helper = GitRemoteHelper.Start(options.SourceDirectory, CredentialConfig, options.RemoteUrl, tools.Environment, GitEnvironment(credentials), log);
        helper.RequestRefs();
        return helper;
    }

    /// <summary>The refs the target advertises for a push (receive-pack), which the push then reuses.</summary>
    private static async Task<Dictionary<string, string>> ListTargetAsync(GitRemoteHelper helper, GitMirrorOptions options, CancellationToken cancellationToken)
    {
        var listed = await helper.ReadRefsAsync(cancellationToken);
        if (listed is null)
        {
            var exitCode = await helper.CloseAsync(cancellationToken);
            throw new BuildFailedException(Failure(options, "Reading the refs of", new ToolResult(exitCode, []) { ErrorOutput = helper.ErrorOutput }));
        }

        // "sha ref" lines; "@target HEAD" (a symbolic ref) and ":object-format" lines are not refs.
        return TargetRefs(listed.Where(l => l.Length > 0 && l[0] is not ('@' or ':')), ' ');
    }

    /// <summary>The target's refs from "sha ref" lines: branches and tags, without peeled tags (<c>^{}</c>) or HEAD.</summary>
    private static Dictionary<string, string> TargetRefs(IEnumerable<string> lines, char separator)
    {
        var refs = ParseRefs(lines, separator);
        foreach (var peeled in refs.Keys.Where(k => k.EndsWith("^{}", StringComparison.Ordinal) || !k.StartsWith("refs/", StringComparison.Ordinal)).ToList())
            refs.Remove(peeled);
        return refs;
    }

    private static async Task PushAsync(GitRemoteHelper helper, GitMirrorOptions options, IReadOnlyList<RefUpdate> updates, CancellationToken cancellationToken)
    {
        // Rewrites and deletions only succeed while the target still has what the listing reported.
        var statuses = await helper.PushAsync(
            updates.Where(u => u.Change is RefChange.Rewrite or RefChange.Delete).Select(u => $"{u.Ref}:{u.OldSha}"),
            updates.Select(u => u.Change == RefChange.Delete ? ":" + u.Ref : $"{u.NewSha}:{u.Ref}"),
            cancellationToken);
        var exitCode = await helper.CloseAsync(cancellationToken);

        // "ok <ref>" or "error <ref> <why>" per ref; refs this push did not name are listed too ("no match").
        var pushed = updates.Select(u => u.Ref).ToHashSet(StringComparer.Ordinal);
        var byRef = (statuses ?? [])
            .Select(l => l.Split(' ', 3))
            .Where(p => p.Length >= 2 && pushed.Contains(p[1]))
            .ToDictionary(p => p[1], p => p, StringComparer.Ordinal);
        var rejected = byRef.Values.Where(p => p[0] != "ok").Select(p => $"{p[1]} ({(p.Length > 2 ? p[2] : "rejected")})").ToList();
        if (exitCode == 0 && rejected.Count == 0 && pushed.All(byRef.ContainsKey))
            return;
        throw PushFailure(options, new ToolResult(exitCode, []) { ErrorOutput = helper.ErrorOutput }, rejected);
    }

    private async Task PushAsync(GitMirrorOptions options, IReadOnlyList<RefUpdate> updates, CancellationToken cancellationToken)
    {
        // Rewrites and deletions only succeed while the target still has what ls-remote reported.
        var arguments = new List<string> { "push", "--porcelain" };
        arguments.AddRange(updates
            .Where(u => u.Change is RefChange.Rewrite or RefChange.Delete)
            .Select(u => $"--force-with-lease={u.Ref}:{u.OldSha}"));
        arguments.Add(options.RemoteUrl.AbsoluteUri);
        arguments.AddRange(updates.Select(u => u.Change == RefChange.Delete ? ":" + u.Ref : $"{u.NewSha}:{u.Ref}"));

        var result = await RemoteGitAsync(options, arguments, echo: true, cancellationToken);
        if (result.ExitCode == 0)
            return;

        // Porcelain: "<flag>\t<from>:<to>\t<summary>"; "!" = rejected.
        var rejected = result.Output
            .Select(line => line.Split('\t'))
            .Where(parts => parts.Length >= 3 && parts[0] == "!")
            .Select(parts => $"{parts[1].Split(':').Last()} ({parts[2]})")
            .ToList();
        throw PushFailure(options, result, rejected);
    }

    /// <summary>A failed push in one line: a known cause (credentials, a missing repository, the network) first, else the
    /// refs the target rejected, else git's last line.</summary>
    private static BuildFailedException PushFailure(GitMirrorOptions options, ToolResult result, List<string> rejected) =>
        new(GitRemoteErrors.Classify(options.RemoteUrl, "Pushing to", result.ErrorOutput, options.Credentials.RejectedHint)
            ?? (rejected.Count > 0
                ? $"The push to {options.RemoteUrl} was rejected for {string.Join(", ", rejected)}; the target changed during the mirror or refuses the update."
                : $"The push to {options.RemoteUrl} failed: {LastLine(result)}"));

    private async Task<ToolResult> RemoteGitAsync(GitMirrorOptions options, IReadOnlyList<string> arguments, bool echo, CancellationToken cancellationToken) =>
        await GitAsync(options.SourceDirectory, [.. CredentialConfig, .. arguments], cancellationToken, echo, await CredentialEnvironmentAsync(options, cancellationToken));

    /// <summary>The variables that hand the credentials to git's credential helper (and the preemptive header), masked.</summary>
    private async Task<Dictionary<string, string?>> CredentialEnvironmentAsync(GitMirrorOptions options, CancellationToken cancellationToken)
    {
        GitCredentials credentials;
        try
        {
            credentials = await options.Credentials.GetAsync(options.RemoteUrl, cancellationToken);
        }
        catch (Exception e) when (e is InvalidOperationException or Amazon.Runtime.AmazonClientException)
        {
            throw new BuildFailedException($"No git credentials for {options.RemoteUrl}: {e.Message}", e);
        }

        registerSecret(credentials.Password);
        if (credentials.Username.Contains('%', StringComparison.Ordinal))
            registerSecret(credentials.Username[(credentials.Username.IndexOf('%', StringComparison.Ordinal) + 1)..]);
        var environment = new Dictionary<string, string?>
        {
            [UsernameVariable] = credentials.Username,
            [PasswordVariable] = credentials.Password,
        };
        if (options.PreemptiveAuth)
        {
            var basic = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials.Username + ":" + credentials.Password));
            registerSecret(basic);
            environment["GIT_CONFIG_COUNT"] = "1";
            environment["GIT_CONFIG_KEY_0"] = $"http.{options.RemoteUrl.AbsoluteUri}.extraHeader";
            environment["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + basic;
        }

        return environment;
    }
}
