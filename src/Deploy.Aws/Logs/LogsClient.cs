namespace Deploy.Aws.Logs;

/// <summary>CloudWatch Logs, JSON 1.1.</summary>
public sealed class LogsClient(AwsSession session)
{
    private readonly JsonCalls calls = new(session, AwsService.Logs);

    public Task CreateLogGroupAsync(CreateLogGroupRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync("CreateLogGroup", request, Group(request?.LogGroupName), cancellationToken);

    public Task DeleteLogGroupAsync(DeleteLogGroupRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync("DeleteLogGroup", request, Group(request?.LogGroupName), cancellationToken);

    public Task<DescribeLogGroupsResponse> DescribeLogGroupsAsync(DescribeLogGroupsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeLogGroupsRequest, DescribeLogGroupsResponse>(
            "DescribeLogGroups", request, request?.LogGroupNamePrefix is { } prefix ? $"log groups starting with '{prefix}'" : null, cancellationToken);

    public IAsyncEnumerable<LogGroup> DescribeAllLogGroupsAsync(DescribeLogGroupsRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => DescribeLogGroupsAsync(request with { NextToken = token }, ct),
            page => page.LogGroups,
            page => page.NextToken,
            cancellationToken);

    public Task PutRetentionPolicyAsync(PutRetentionPolicyRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync("PutRetentionPolicy", request, Group(request?.LogGroupName), cancellationToken);

    public Task<DescribeLogStreamsResponse> DescribeLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeLogStreamsRequest, DescribeLogStreamsResponse>(
            "DescribeLogStreams", request, Group(request?.LogGroupName ?? request?.LogGroupIdentifier), cancellationToken);

    public IAsyncEnumerable<LogStream> DescribeAllLogStreamsAsync(DescribeLogStreamsRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => DescribeLogStreamsAsync(request with { NextToken = token }, ct),
            page => page.LogStreams,
            page => page.NextToken,
            cancellationToken);

    public Task<GetLogEventsResponse> GetLogEventsAsync(GetLogEventsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetLogEventsRequest, GetLogEventsResponse>(
            "GetLogEvents",
            request,
            request is null ? null : $"log stream '{request.LogStreamName}' in {Group(request.LogGroupName ?? request.LogGroupIdentifier)}",
            cancellationToken);

    /// <summary>The last <paramref name="count"/> events of a stream, oldest first (what a failed container printed last).</summary>
    public async Task<IReadOnlyList<OutputLogEvent>> GetLastEventsAsync(string logGroupName, string logStreamName, int count, CancellationToken cancellationToken = default)
    {
        var response = await GetLogEventsAsync(
            new GetLogEventsRequest { LogGroupName = logGroupName, LogStreamName = logStreamName, Limit = count, StartFromHead = false },
            cancellationToken).ConfigureAwait(false);
        return response.Events ?? [];
    }

    public Task<FilterLogEventsResponse> FilterLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<FilterLogEventsRequest, FilterLogEventsResponse>(
            "FilterLogEvents", request, Group(request?.LogGroupName ?? request?.LogGroupIdentifier), cancellationToken);

    public IAsyncEnumerable<FilteredLogEvent> FilterAllLogEventsAsync(FilterLogEventsRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => FilterLogEventsAsync(request with { NextToken = token }, ct),
            page => page.Events,
            page => page.NextToken,
            cancellationToken);

    private static string? Group(string? name) => name is null ? null : $"log group '{name}'";
}
