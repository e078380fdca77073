namespace Deploy.Aws.CodeBuild;

/// <summary>AWS CodeBuild, JSON 1.1.</summary>
public sealed class CodeBuildClient(AwsSession session)
{
    private readonly AwsSession session = session ?? throw new ArgumentNullException(nameof(session));

    public Task<CreateProjectResponse> CreateProjectAsync(CreateProjectRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<CreateProjectRequest, CreateProjectResponse>("CreateProject", request, Project(request?.Name), cancellationToken);

    public Task<UpdateProjectResponse> UpdateProjectAsync(UpdateProjectRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<UpdateProjectRequest, UpdateProjectResponse>("UpdateProject", request, Project(request?.Name), cancellationToken);

    public Task<BatchGetProjectsResponse> BatchGetProjectsAsync(BatchGetProjectsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<BatchGetProjectsRequest, BatchGetProjectsResponse>(
            "BatchGetProjects", request, request?.Names is { Count: 1 } one ? Project(one[0]) : null, cancellationToken);

    public Task<StartBuildResponse> StartBuildAsync(StartBuildRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<StartBuildRequest, StartBuildResponse>("StartBuild", request, Project(request?.ProjectName), cancellationToken);

    public Task<BatchGetBuildsResponse> BatchGetBuildsAsync(BatchGetBuildsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync<BatchGetBuildsRequest, BatchGetBuildsResponse>(
            "BatchGetBuilds", request, request?.Ids is { Count: 1 } one ? $"build '{one[0]}'" : null, cancellationToken);

    private Task<TResponse> CallAsync<TRequest, TResponse>(string operation, TRequest request, string? resource, CancellationToken cancellationToken)
        where TRequest : class
    {
        ArgumentNullException.ThrowIfNull(request);
        return JsonProtocol.InvokeAsync<TRequest, TResponse>(session, AwsService.CodeBuild, operation, request, resource, cancellationToken);
    }

    private static string Project(string? name) => $"project '{name}'";
}
