using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>
/// CodeCommit (JSON 1.1, <c>CodeCommit_20150413</c>): repository metadata in <c>codecommit.json</c>, each repository a real
/// bare git repository (<see cref="GitRepositories"/>) served by <see cref="GitHttpEndpoint"/> at its <c>cloneUrlHttp</c>;
/// branches and commits are read from it with git plumbing.
/// </summary>
internal sealed partial class CodeCommitService : IJsonApiService
{
    private const int BranchPageSize = 100;
    private const int RepositoryPageSize = 1000;

    private readonly JsonStateFile<NamedItemsState> file;
    private readonly GitRepositories repositories;
    private readonly LocalCloudOptions options;
    private readonly LocalCloudAddress address;
    private readonly TimeProvider clock;
    private readonly JsonOperations operations;

    public CodeCommitService(CodeCommitStore store, GitRepositories repositories, LocalCloudOptions options, LocalCloudAddress address, TimeProvider clock)
    {
        file = store.File;
        this.repositories = repositories;
        this.options = options;
        this.address = address;
        this.clock = clock;
        operations = new JsonOperations()
            .Add("CreateRepository", CreateRepository)
            .Add("GetRepository", GetRepository)
            .Add("DeleteRepository", DeleteRepository)
            .Add("UpdateRepositoryDescription", UpdateRepositoryDescription)
            .Add("ListRepositories", ListRepositories)
            .Add("GetBranch", GetBranch)
            .Add("ListBranches", ListBranches)
            .Add("GetCommit", GetCommit);
    }

    public string TargetPrefix => "CodeCommit_20150413";

    public string SigningName => "codecommit";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private JsonObject CreateRepository(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        if (!NamePattern().IsMatch(name) || name.EndsWith(".git", StringComparison.OrdinalIgnoreCase) || name is "." or "..")
        {
            throw new AwsServiceException("InvalidRepositoryNameException", "The repository name is not valid. Repository names can be any valid combination of letters, numbers, periods, underscores, and dashes between 1 and 100 characters in length. Names are case sensitive. For more information, see Limits in the AWS CodeCommit User Guide. ");
        }

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        var metadata = file.Update(state =>
        {
            if (state.Items.ContainsKey(name))
            {
                throw new AwsServiceException("RepositoryNameExistsException", $"Repository named {name} already exists");
            }

            var record = new JsonObject
            {
                ["accountId"] = options.AccountId,
                ["repositoryId"] = Guid.NewGuid().ToString(),
                ["repositoryName"] = name,
                ["repositoryDescription"] = request.OptionalString("repositoryDescription") ?? string.Empty,
                ["lastModifiedDate"] = now,
                ["creationDate"] = now,
                ["Arn"] = $"arn:aws:codecommit:{options.Region}:{options.AccountId}:{name}",
            };
            state.Items[name] = record;
            // Inside the update: if git cannot create the repository, the metadata is discarded with the exception.
            repositories.Create(name);
            return record.DeepClone().AsObject();
        });
        return new JsonObject { ["repositoryMetadata"] = WithUrls(metadata) };
    }

    private JsonObject GetRepository(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        return new JsonObject { ["repositoryMetadata"] = WithUrls(file.Read(state => Find(state, name).DeepClone().AsObject())) };
    }

    private JsonObject UpdateRepositoryDescription(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        file.Update(state => Find(state, name)["repositoryDescription"] = request.OptionalString("repositoryDescription") ?? string.Empty);
        return [];
    }

    private JsonObject DeleteRepository(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var id = file.Update(state =>
        {
            if (!state.Items.Remove(name, out var removed))
            {
                return null;
            }

            repositories.Delete(name);
            return removed["repositoryId"]!.GetValue<string>();
        });
        return id is null ? [] : new JsonObject { ["repositoryId"] = id };
    }

    private JsonObject ListRepositories(JsonObject request)
    {
        var sortBy = request.OptionalString("sortBy") ?? "repositoryName";
        var order = request.OptionalString("order") ?? "ascending";
        if (sortBy is not ("repositoryName" or "lastModifiedDate"))
        {
            throw new AwsServiceException("InvalidSortByException", "The specified sort by value is not valid.");
        }

        if (order is not ("ascending" or "descending"))
        {
            throw new AwsServiceException("InvalidOrderException", "The specified sort order is not valid.");
        }

        var offset = Offset(request.OptionalString("nextToken"));
        var all = file.Read(state => state.Items.Values.Select(r => (
            Name: r["repositoryName"]!.GetValue<string>(),
            Id: r["repositoryId"]!.GetValue<string>(),
            Modified: r["lastModifiedDate"]!.GetValue<double>())).ToList());
        var sorted = sortBy == "repositoryName"
            ? all.OrderBy(r => r.Name, StringComparer.Ordinal).ToList()
            : [.. all.OrderBy(r => r.Modified).ThenBy(r => r.Name, StringComparer.Ordinal)];
        if (order == "descending")
        {
            sorted.Reverse();
        }

        var page = sorted.Skip(offset).Take(RepositoryPageSize).ToList();
        var response = new JsonObject
        {
            ["repositories"] = new JsonArray([.. page.Select(r => (JsonNode)new JsonObject { ["repositoryName"] = r.Name, ["repositoryId"] = r.Id })]),
        };
        if (offset + page.Count < sorted.Count)
        {
            response["nextToken"] = Token((offset + page.Count).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return response;
    }

    private JsonObject GetBranch(JsonObject request)
    {
        var name = ExistingRepository(request);
        var branch = request.OptionalString("branchName");
        if (string.IsNullOrEmpty(branch))
        {
            throw new AwsServiceException("BranchNameRequiredException", "A branch name is required but was not specified.");
        }

        var commit = Git(name, () => repositories.BranchCommit(name, branch))
                     ?? throw new AwsServiceException("BranchDoesNotExistException", $"Could not find branch refs/heads/{branch} in repository {name}.");
        return new JsonObject { ["branch"] = new JsonObject { ["branchName"] = branch, ["commitId"] = commit } };
    }

    private JsonObject ListBranches(JsonObject request)
    {
        var name = ExistingRepository(request);
        var after = request.OptionalString("nextToken") is { } token ? Untoken(token) : null;
        var branches = Git(name, () => repositories.Branches(name))
            .Where(b => after is null || string.CompareOrdinal(b, after) > 0)
            .ToList();
        var page = branches.Take(BranchPageSize).ToList();
        var response = new JsonObject { ["branches"] = new JsonArray([.. page.Select(b => (JsonNode)JsonValue.Create(b))]) };
        if (branches.Count > page.Count)
        {
            response["nextToken"] = Token(page[^1]);
        }

        return response;
    }

    private JsonObject GetCommit(JsonObject request)
    {
        var name = ExistingRepository(request);
        var id = request.OptionalString("commitId");
        if (string.IsNullOrEmpty(id))
        {
            throw new AwsServiceException("CommitIdRequiredException", "A commit ID is required but was not specified.");
        }

        if (!CommitIdPattern().IsMatch(id))
        {
            throw new AwsServiceException("InvalidCommitIdException", $"The commit ID {id} is not valid. Commit IDs must be the full SHA of the commit.");
        }

        var commit = Git(name, () => repositories.Commit(name, id.ToLowerInvariant()))
                     ?? throw new AwsServiceException("CommitIdDoesNotExistException", $"Could not find commit with commit ID {id} in repository {name}.");
        return new JsonObject
        {
            ["commit"] = new JsonObject
            {
                ["commitId"] = commit.CommitId,
                ["treeId"] = commit.TreeId,
                ["parents"] = new JsonArray([.. commit.Parents.Select(p => (JsonNode)JsonValue.Create(p))]),
                ["message"] = commit.Message,
                ["author"] = Identity(commit.Author),
                ["committer"] = Identity(commit.Committer),
                ["additionalData"] = string.Empty,
            },
        };
    }

    private static JsonObject Identity(GitIdentity identity) =>
        new() { ["name"] = identity.Name, ["email"] = identity.Email, ["date"] = identity.Date };

    /// <summary>The repository named in the request, which must exist (its bare repository is created if it went missing).</summary>
    private string ExistingRepository(JsonObject request)
    {
        var name = request.OptionalString("repositoryName");
        if (string.IsNullOrEmpty(name))
        {
            throw new AwsServiceException("RepositoryNameRequiredException", "A repository name is required but was not specified.");
        }

        file.Read(state => Find(state, name));
        repositories.EnsureExists(name);
        return name;
    }

    /// <summary>Runs a git read; a repository deleted meanwhile is reported as missing.</summary>
    private T Git<T>(string name, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (InvalidOperationException) when (!repositories.Exists(name))
        {
            throw NotFound(name);
        }
    }

    private static JsonObject Find(NamedItemsState state, string name) => state.Items.GetValueOrDefault(name) ?? throw NotFound(name);

    private static AwsServiceException NotFound(string name) =>
        new("RepositoryDoesNotExistException", $"{name} does not exist", HttpStatusCode.BadRequest);

    /// <summary>Clone URLs follow the current port (the git endpoint is served by the local cloud itself); the default branch
    /// is the branch HEAD names once something was pushed.</summary>
    private JsonObject WithUrls(JsonObject record)
    {
        var name = record["repositoryName"]!.GetValue<string>();
        if (repositories.DefaultBranch(name) is { } branch)
        {
            record["defaultBranch"] = branch;
        }

        record["cloneUrlHttp"] = $"{address.Endpoint.ToString().TrimEnd('/')}/v1/repos/{name}";
        record["cloneUrlSsh"] = $"ssh://127.0.0.1/v1/repos/{name}";
        return record;
    }

    private static int Offset(string? token)
    {
        if (token is null)
        {
            return 0;
        }

        return int.TryParse(Untoken(token), System.Globalization.CultureInfo.InvariantCulture, out var offset) && offset >= 0
            ? offset
            : throw InvalidToken();
    }

    private static string Token(string value) => Convert.ToBase64String(Encoding.UTF8.GetBytes(value));

    private static string Untoken(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(token));
        }
        catch (FormatException)
        {
            throw InvalidToken();
        }
    }

    private static AwsServiceException InvalidToken() =>
        new("InvalidContinuationTokenException", "The specified continuation token is not valid.");

    [GeneratedRegex(@"^[\w\.-]{1,100}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[0-9a-fA-F]{40}$")]
    private static partial Regex CommitIdPattern();
}
