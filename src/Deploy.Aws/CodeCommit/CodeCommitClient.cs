namespace Deploy.Aws.CodeCommit;

/// <summary>AWS CodeCommit control plane, JSON 1.1.</summary>
public sealed class CodeCommitClient(AwsSession session)
{
    private readonly JsonCalls calls = new(session, AwsService.CodeCommit);

    public Task<CreateRepositoryResponse> CreateRepositoryAsync(CreateRepositoryRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<CreateRepositoryRequest, CreateRepositoryResponse>("CreateRepository", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<GetRepositoryResponse> GetRepositoryAsync(GetRepositoryRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetRepositoryRequest, GetRepositoryResponse>("GetRepository", request, Repo(request?.RepositoryName), cancellationToken);

    /// <summary>Deleting a repository that does not exist succeeds with a null id.</summary>
    public Task<DeleteRepositoryResponse> DeleteRepositoryAsync(DeleteRepositoryRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DeleteRepositoryRequest, DeleteRepositoryResponse>("DeleteRepository", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<GetBranchResponse> GetBranchAsync(GetBranchRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetBranchRequest, GetBranchResponse>(
            "GetBranch", request, $"branch '{request?.BranchName}' of {Repo(request?.RepositoryName)}", cancellationToken);

    public Task<ListBranchesResponse> ListBranchesAsync(ListBranchesRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListBranchesRequest, ListBranchesResponse>("ListBranches", request, Repo(request?.RepositoryName), cancellationToken);

    /// <summary>All branch names of a repository, across pages.</summary>
    public IAsyncEnumerable<string> ListAllBranchesAsync(string repositoryName, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListBranchesAsync(new ListBranchesRequest { RepositoryName = repositoryName, NextToken = token }, ct),
            page => page.Branches,
            page => page.NextToken,
            cancellationToken);

    private static string Repo(string? name) => $"repository '{name}'";
}
