namespace Deploy.Aws.CodeBuild;

/// <summary>AWS CodeBuild, JSON 1.1.</summary>
public sealed class CodeBuildClient(AwsSession session)
{
    private readonly JsonCalls calls = new(session, AwsService.CodeBuild);

    public Task<CreateProjectResponse> CreateProjectAsync(CreateProjectRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<CreateProjectRequest, CreateProjectResponse>("CreateProject", request, Project(request?.Name), cancellationToken);

    public Task<UpdateProjectResponse> UpdateProjectAsync(UpdateProjectRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<UpdateProjectRequest, UpdateProjectResponse>("UpdateProject", request, Project(request?.Name), cancellationToken);

    public Task<BatchGetProjectsResponse> BatchGetProjectsAsync(BatchGetProjectsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<BatchGetProjectsRequest, BatchGetProjectsResponse>(
            "BatchGetProjects", request, request?.Names is { Count: 1 } one ? Project(one[0]) : null, cancellationToken);

    public Task<StartBuildResponse> StartBuildAsync(StartBuildRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<StartBuildRequest, StartBuildResponse>("StartBuild", request, Project(request?.ProjectName), cancellationToken);

    public Task<BatchGetBuildsResponse> BatchGetBuildsAsync(BatchGetBuildsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<BatchGetBuildsRequest, BatchGetBuildsResponse>(
            "BatchGetBuilds", request, request?.Ids is { Count: 1 } one ? $"build '{one[0]}'" : null, cancellationToken);

    private static string Project(string? name) => $"project '{name}'";
}
