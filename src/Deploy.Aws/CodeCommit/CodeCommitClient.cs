namespace Deploy.Aws.CodeCommit;

/// <summary>AWS CodeCommit control plane, JSON 1.1.</summary>
public sealed class CodeCommitClient(AwsSession session)
{
    private readonly AwsSession session = session ?? throw new ArgumentNullException(nameof(session));

    public Task<CreateRepositoryResponse> CreateRepositoryAsync(CreateRepositoryRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<CreateRepositoryRequest, CreateRepositoryResponse>("CreateRepository", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<GetRepositoryResponse> GetRepositoryAsync(GetRepositoryRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<GetRepositoryRequest, GetRepositoryResponse>("GetRepository", request, Repo(request?.RepositoryName), cancellationToken);

    /// <summary>Deleting a repository that does not exist succeeds with a null id.</summary>
    public Task<DeleteRepositoryResponse> DeleteRepositoryAsync(DeleteRepositoryRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<DeleteRepositoryRequest, DeleteRepositoryResponse>("DeleteRepository", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<GetBranchResponse> GetBranchAsync(GetBranchRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<GetBranchRequest, GetBranchResponse>(
            "GetBranch", request, $"branch '{request?.BranchName}' of {Repo(request?.RepositoryName)}", cancellationToken);

    public Task<ListBranchesResponse> ListBranchesAsync(ListBranchesRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<ListBranchesRequest, ListBranchesResponse>("ListBranches", request, Repo(request?.RepositoryName), cancellationToken);

    /// <summary>All branch names of a repository, across pages.</summary>
    public IAsyncEnumerable<string> ListAllBranchesAsync(string repositoryName, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListBranchesAsync(new ListBranchesRequest { RepositoryName = repositoryName, NextToken = token }, ct),
            page => page.Branches,
            page => page.NextToken,
            cancellationToken);

    private Task<TResponse> CallAsync<TRequest, TResponse>(string operation, TRequest request, string? resource, CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonProtocol.InvokeAsync<TRequest, TResponse>(session, AwsService.CodeCommit, operation, request, resource, cancellationToken);
    }

    private static string Repo(string? name) => $"repository '{name}'";
}
