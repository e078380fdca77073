namespace Deploy.Aws.CodePipeline;

/// <summary>AWS CodePipeline, JSON 1.1.</summary>
public sealed class CodePipelineClient(AwsSession session)
{
    private readonly JsonCalls calls = new(session, AwsService.CodePipeline);

    public Task<CreatePipelineResponse> CreatePipelineAsync(CreatePipelineRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<CreatePipelineRequest, CreatePipelineResponse>("CreatePipeline", request, Pipeline(request?.Pipeline?.Name), cancellationToken);

    public Task<UpdatePipelineResponse> UpdatePipelineAsync(UpdatePipelineRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<UpdatePipelineRequest, UpdatePipelineResponse>("UpdatePipeline", request, Pipeline(request?.Pipeline?.Name), cancellationToken);

    public Task<GetPipelineResponse> GetPipelineAsync(GetPipelineRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetPipelineRequest, GetPipelineResponse>("GetPipeline", request, Pipeline(request?.Name), cancellationToken);

    public Task<GetPipelineStateResponse> GetPipelineStateAsync(GetPipelineStateRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetPipelineStateRequest, GetPipelineStateResponse>("GetPipelineState", request, Pipeline(request?.Name), cancellationToken);

    public Task<StartPipelineExecutionResponse> StartPipelineExecutionAsync(StartPipelineExecutionRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<StartPipelineExecutionRequest, StartPipelineExecutionResponse>(
            "StartPipelineExecution", request, Pipeline(request?.Name), cancellationToken);

    public Task<GetPipelineExecutionResponse> GetPipelineExecutionAsync(GetPipelineExecutionRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetPipelineExecutionRequest, GetPipelineExecutionResponse>(
            "GetPipelineExecution",
            request,
            $"execution '{request?.PipelineExecutionId}' of {Pipeline(request?.PipelineName)}",
            cancellationToken);

    public Task<ListPipelineExecutionsResponse> ListPipelineExecutionsAsync(ListPipelineExecutionsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListPipelineExecutionsRequest, ListPipelineExecutionsResponse>(
            "ListPipelineExecutions", request, Pipeline(request?.PipelineName), cancellationToken);

    /// <summary>Execution summaries, newest first, across pages.</summary>
    public IAsyncEnumerable<PipelineExecutionSummary> ListAllPipelineExecutionsAsync(ListPipelineExecutionsRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListPipelineExecutionsAsync(request with { NextToken = token }, ct),
            page => page.PipelineExecutionSummaries,
            page => page.NextToken,
            cancellationToken);

    public Task<ListActionExecutionsResponse> ListActionExecutionsAsync(ListActionExecutionsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListActionExecutionsRequest, ListActionExecutionsResponse>(
            "ListActionExecutions",
            request,
            request?.Filter?.PipelineExecutionId is { } execution ? $"execution '{execution}' of {Pipeline(request.PipelineName)}" : Pipeline(request?.PipelineName),
            cancellationToken);

    /// <summary>Action executions across pages.</summary>
    public IAsyncEnumerable<ActionExecutionDetail> ListAllActionExecutionsAsync(ListActionExecutionsRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListActionExecutionsAsync(request with { NextToken = token }, ct),
            page => page.ActionExecutionDetails,
            page => page.NextToken,
            cancellationToken);

    /// <summary>Runs a stage of an execution again (its failed actions, or all of them); the execution keeps its id.</summary>
    public Task<RetryStageExecutionResponse> RetryStageExecutionAsync(RetryStageExecutionRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<RetryStageExecutionRequest, RetryStageExecutionResponse>(
            "RetryStageExecution",
            request,
            $"stage '{request?.StageName}' of execution '{request?.PipelineExecutionId}' of {Pipeline(request?.PipelineName)}",
            cancellationToken);

    private static string Pipeline(string? name) => $"pipeline '{name}'";
}
