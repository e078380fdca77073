using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>A commit as read from a bare repository (git's raw author/committer lines kept: CodeCommit returns
/// <c>date</c> as git's "epoch-seconds ±hhmm").</summary>
internal sealed record GitCommit(
    string CommitId,
    string TreeId,
    IReadOnlyList<string> Parents,
    string Message,
    GitIdentity Author,
    GitIdentity Committer);

internal sealed record GitIdentity(string Name, string Email, string Date);

/// <summary>One ref of a repository: the object it names and, for annotated tags, the commit it points at.</summary>
internal sealed record GitRef(string Name, string ObjectId, string CommitId);

/// <summary>
/// The bare git repositories behind CodeCommit: <c>&lt;state-dir&gt;/codecommit/&lt;name&gt;.git</c>, created and deleted with
/// the repository, read with git plumbing (<c>for-each-ref</c>, <c>show-ref</c>, <c>cat-file</c>).
/// </summary>
internal sealed partial class GitRepositories(LocalCloudOptions options)
{
    private static readonly string[] PreferredDefaultBranches = ["main", "master"];

    /// <summary><c>GIT_PROJECT_ROOT</c> of the git endpoint.</summary>
    public string Root { get; } = Path.Combine(options.StateDirectory, "codecommit");

    public string PathOf(string name) => Path.Combine(Root, name + ".git");

    public bool Exists(string name) => File.Exists(Path.Combine(PathOf(name), "HEAD"));

    /// <summary>A new empty bare repository (anything left at that path by an earlier repository of that name is removed).</summary>
    public void Create(string name)
    {
        Delete(name);
        Directory.CreateDirectory(Root);
        var path = PathOf(name);
        GitProcess.Required(Root, "init", "--quiet", "--bare", "--initial-branch=main", path);
        // CodeCommit accepts pushes from any authenticated user; no background gc racing with deletes; no reflogs.
        GitProcess.Required(path, "config", "http.receivepack", "true");
        GitProcess.Required(path, "config", "receive.autogc", "false");
        GitProcess.Required(path, "config", "core.logAllRefUpdates", "false");
    }

    /// <summary>Makes sure a repository known to the API has its bare repository (state written before the git endpoint existed).</summary>
    public void EnsureExists(string name)
    {
        if (!Exists(name))
        {
            Create(name);
        }
    }

    public void Delete(string name)
    {
        var path = PathOf(name);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    /// <summary>Branches and tags with their objects (tags peeled to their commit), by full ref name.</summary>
    public IReadOnlyDictionary<string, GitRef> Refs(string name)
    {
        var output = GitProcess.Required(PathOf(name), "for-each-ref", "--format=%(refname) %(objectname) %(*objectname)", "refs/heads/", "refs/tags/");
        var refs = new Dictionary<string, GitRef>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            var peeled = parts.Length > 2 && parts[2].Length > 0 ? parts[2] : parts[1];
            refs[parts[0]] = new GitRef(parts[0], parts[1], peeled);
        }

        return refs;
    }

    /// <summary>Branch names (without <c>refs/heads/</c>), ordinal order.</summary>
    public IReadOnlyList<string> Branches(string name) =>
        [.. GitProcess.Required(PathOf(name), "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Order(StringComparer.Ordinal)];

    /// <summary>The commit a branch points at, or null when there is no such branch.</summary>
    public string? BranchCommit(string name, string branch)
    {
        if (branch.Length == 0 || branch.Contains('\n', StringComparison.Ordinal))
        {
            return null;
        }

        var result = GitProcess.Run(PathOf(name), "show-ref", "--verify", "--hash", "refs/heads/" + branch);
        return result.Succeeded ? result.Output.Trim() : null;
    }

    /// <summary>The branch HEAD names, when that branch exists (CodeCommit has no default branch before the first push).</summary>
    public string? DefaultBranch(string name)
    {
        if (!Exists(name))
        {
            return null;
        }

        var head = GitProcess.Run(PathOf(name), "symbolic-ref", "--quiet", "HEAD");
        if (!head.Succeeded || !head.Output.StartsWith("refs/heads/", StringComparison.Ordinal))
        {
            return null;
        }

        var branch = head.Output.Trim()["refs/heads/".Length..];
        return BranchCommit(name, branch) is null ? null : branch;
    }

    /// <summary>
    /// Like CodeCommit, the first branch pushed becomes the default branch: when HEAD names no existing branch, point it at
    /// <c>main</c>, else <c>master</c>, else the first of <paramref name="created"/>, so clones check something out.
    /// </summary>
    public void EnsureDefaultBranch(string name, IEnumerable<string> created)
    {
        if (DefaultBranch(name) is not null)
        {
            return;
        }

        var branches = Branches(name);
        var choice = PreferredDefaultBranches.FirstOrDefault(branches.Contains)
                     ?? created.Order(StringComparer.Ordinal).FirstOrDefault(branches.Contains)
                     ?? (branches.Count > 0 ? branches[0] : null);
        if (choice is not null)
        {
            GitProcess.Required(PathOf(name), "symbolic-ref", "HEAD", "refs/heads/" + choice);
        }
    }

    /// <summary>The commit <paramref name="commitId"/> (full hex id), or null when the repository has no such commit.</summary>
    public GitCommit? Commit(string name, string commitId)
    {
        var path = PathOf(name);
        var type = GitProcess.Run(path, "cat-file", "-t", commitId);
        if (!type.Succeeded || type.Output.Trim() != "commit")
        {
            return null;
        }

        return Parse(commitId, GitProcess.Required(path, "cat-file", "commit", commitId));
    }

    /// <summary>A raw commit object: header lines (continuations start with a space) up to the first blank line, then the message.</summary>
    internal static GitCommit Parse(string commitId, string raw)
    {
        var split = raw.IndexOf("\n\n", StringComparison.Ordinal);
        var header = split < 0 ? raw : raw[..split];
        var message = split < 0 ? string.Empty : raw[(split + 2)..];
        string tree = string.Empty;
        var parents = new List<string>();
        GitIdentity author = new(string.Empty, string.Empty, string.Empty);
        var committer = author;
        foreach (var line in header.Split('\n'))
        {
            if (line.StartsWith(' '))
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            if (space < 0)
            {
                continue;
            }

            var value = line[(space + 1)..];
            switch (line[..space])
            {
                case "tree":
                    tree = value;
                    break;
                case "parent":
                    parents.Add(value);
                    break;
                case "author":
                    author = Identity(value);
                    break;
                case "committer":
                    committer = Identity(value);
                    break;
                default:
                    break;
            }
        }

        return new GitCommit(commitId, tree, parents, message, author, committer);
    }

    private static GitIdentity Identity(string value)
    {
        var match = IdentityPattern().Match(value);
        return match.Success
            ? new GitIdentity(match.Groups["name"].Value.Trim(), match.Groups["email"].Value, match.Groups["date"].Value)
            : new GitIdentity(value, string.Empty, string.Empty);
    }

    [GeneratedRegex(@"^(?<name>[^<]*)<(?<email>[^>]*)>\s*(?<date>.*)$")]
    private static partial Regex IdentityPattern();
}
