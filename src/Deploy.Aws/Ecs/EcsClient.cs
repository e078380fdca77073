namespace Deploy.Aws.Ecs;

/// <summary>Amazon ECS, JSON 1.1.</summary>
public sealed class EcsClient(AwsSession session)
{
    private readonly JsonCalls calls = new(session, AwsService.Ecs);

    public Task<RegisterTaskDefinitionResponse> RegisterTaskDefinitionAsync(RegisterTaskDefinitionRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<RegisterTaskDefinitionRequest, RegisterTaskDefinitionResponse>(
            "RegisterTaskDefinition", request, $"task definition family '{request?.Family}'", cancellationToken);

    public Task<DescribeTaskDefinitionResponse> DescribeTaskDefinitionAsync(DescribeTaskDefinitionRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeTaskDefinitionRequest, DescribeTaskDefinitionResponse>(
            "DescribeTaskDefinition", request, $"task definition '{request?.TaskDefinition}'", cancellationToken);

    public Task<DeregisterTaskDefinitionResponse> DeregisterTaskDefinitionAsync(DeregisterTaskDefinitionRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DeregisterTaskDefinitionRequest, DeregisterTaskDefinitionResponse>(
            "DeregisterTaskDefinition", request, $"task definition '{request?.TaskDefinition}'", cancellationToken);

    public Task<ListTaskDefinitionsResponse> ListTaskDefinitionsAsync(ListTaskDefinitionsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListTaskDefinitionsRequest, ListTaskDefinitionsResponse>(
            "ListTaskDefinitions", request, request?.FamilyPrefix is { } prefix ? $"task definition family '{prefix}'" : null, cancellationToken);

    /// <summary>All task definition ARNs matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<string> ListAllTaskDefinitionsAsync(ListTaskDefinitionsRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListTaskDefinitionsAsync(request with { NextToken = token }, ct),
            page => page.TaskDefinitionArns,
            page => page.NextToken,
            cancellationToken);

    public Task<CreateClusterResponse> CreateClusterAsync(CreateClusterRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<CreateClusterRequest, CreateClusterResponse>("CreateCluster", request, Cluster(request?.ClusterName), cancellationToken);

    public Task<DescribeClustersResponse> DescribeClustersAsync(DescribeClustersRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeClustersRequest, DescribeClustersResponse>(
            "DescribeClusters", request, request?.Clusters is { Count: 1 } one ? Cluster(one[0]) : null, cancellationToken);

    public Task<CreateServiceResponse> CreateServiceAsync(CreateServiceRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<CreateServiceRequest, CreateServiceResponse>(
            "CreateService", request, Service(request?.ServiceName, request?.Cluster), cancellationToken);

    public Task<UpdateServiceResponse> UpdateServiceAsync(UpdateServiceRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<UpdateServiceRequest, UpdateServiceResponse>(
            "UpdateService", request, Service(request?.Service, request?.Cluster), cancellationToken);

    public Task<DescribeServicesResponse> DescribeServicesAsync(DescribeServicesRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeServicesRequest, DescribeServicesResponse>(
            "DescribeServices",
            request,
            request?.Services is { Count: 1 } one ? Service(one[0], request.Cluster) : Cluster(request?.Cluster),
            cancellationToken);

    /// <summary>One service, or null when ECS reports it <c>MISSING</c>.</summary>
    public async Task<EcsService?> DescribeServiceAsync(string? cluster, string service, CancellationToken cancellationToken = default)
    {
        var response = await DescribeServicesAsync(new DescribeServicesRequest { Cluster = cluster, Services = [service] }, cancellationToken)
            .ConfigureAwait(false);
        return response.Services is { Count: > 0 } services ? services[0] : null;
    }

    public Task<DeleteServiceResponse> DeleteServiceAsync(DeleteServiceRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DeleteServiceRequest, DeleteServiceResponse>(
            "DeleteService", request, Service(request?.Service, request?.Cluster), cancellationToken);

    /// <summary>One page of the service ARNs of a cluster.</summary>
    public Task<ListServicesResponse> ListServicesAsync(ListServicesRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListServicesRequest, ListServicesResponse>("ListServices", request, Cluster(request?.Cluster), cancellationToken);

    /// <summary>Every service ARN of a cluster, across pages.</summary>
    public IAsyncEnumerable<string> ListAllServicesAsync(ListServicesRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListServicesAsync(request with { NextToken = token }, ct),
            page => page.ServiceArns,
            page => page.NextToken,
            cancellationToken);

    public Task<ListTasksResponse> ListTasksAsync(ListTasksRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListTasksRequest, ListTasksResponse>(
            "ListTasks",
            request,
            request?.ServiceName is { } name ? Service(name, request.Cluster) : Cluster(request?.Cluster),
            cancellationToken);

    /// <summary>All task ARNs matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<string> ListAllTasksAsync(ListTasksRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListTasksAsync(request with { NextToken = token }, ct),
            page => page.TaskArns,
            page => page.NextToken,
            cancellationToken);

    public Task<DescribeTasksResponse> DescribeTasksAsync(DescribeTasksRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeTasksRequest, DescribeTasksResponse>(
            "DescribeTasks",
            request,
            request?.Tasks is { Count: 1 } one ? $"task '{one[0]}' in {Cluster(request.Cluster)}" : Cluster(request?.Cluster),
            cancellationToken);

    public Task<RunTaskResponse> RunTaskAsync(RunTaskRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<RunTaskRequest, RunTaskResponse>(
            "RunTask", request, $"task definition '{request?.TaskDefinition}' in {Cluster(request?.Cluster)}", cancellationToken);

    public Task<StopTaskResponse> StopTaskAsync(StopTaskRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<StopTaskRequest, StopTaskResponse>(
            "StopTask", request, $"task '{request?.Task}' in {Cluster(request?.Cluster)}", cancellationToken);

    public Task TagResourceAsync(TagResourceRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync("TagResource", request, $"resource '{request?.ResourceArn}'", cancellationToken);

    // ECS falls back to the cluster named "default" when none is given; say so in messages.
    private static string Cluster(string? cluster) => $"cluster '{cluster ?? "default"}'";

    private static string Service(string? service, string? cluster) => $"service '{service}' in {Cluster(cluster)}";
}
