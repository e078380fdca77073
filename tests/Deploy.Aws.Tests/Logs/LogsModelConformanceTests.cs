using Deploy.Aws.Logs;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Logs;

public sealed class LogsModelConformanceTests
{
    private const string Service = "logs";

    private static readonly Dictionary<string, Func<LogsClient, Task<object?>>> Calls = new()
    {
        ["CreateLogGroup"] = c => ClientConformance.Nothing(c.CreateLogGroupAsync(new CreateLogGroupRequest
        {
            LogGroupName = "/ecs/app",
            KmsKeyId = "arn:aws:kms:eu-west-1:123456789012:key/0123",
            Tags = new Dictionary<string, string> { ["app"] = "web" },
            LogGroupClass = "STANDARD",
        })),
        ["DeleteLogGroup"] = c => ClientConformance.Nothing(c.DeleteLogGroupAsync(new DeleteLogGroupRequest("/ecs/app"))),
        ["DescribeLogGroups"] = async c => await c.DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/ecs/", Limit = 50, NextToken = "t" }),
        ["PutRetentionPolicy"] = c => ClientConformance.Nothing(c.PutRetentionPolicyAsync(new PutRetentionPolicyRequest("/ecs/app", 30))),
        ["DescribeLogStreams"] = async c => await c.DescribeLogStreamsAsync(new DescribeLogStreamsRequest
        {
            LogGroupName = "/ecs/app",
            OrderBy = "LastEventTime",
            Descending = true,
            Limit = 5,
        }),
        ["GetLogEvents"] = async c => await c.GetLogEventsAsync(new GetLogEventsRequest
        {
            LogGroupName = "/ecs/app",
            LogStreamName = "web/web/0123456789abcdef",
            StartTime = 1_700_000_000_000,
            EndTime = 1_700_000_600_000,
            Limit = 50,
            StartFromHead = false,
        }),
        ["FilterLogEvents"] = async c => await c.FilterLogEventsAsync(new FilterLogEventsRequest
        {
            LogGroupName = "/ecs/app",
            LogStreamNamePrefix = "web/",
            StartTime = 1_700_000_000_000,
            FilterPattern = "ERROR",
            Limit = 100,
        }),
    };

    public static TheoryData<string> Operations => [.. Calls.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Each_operation_sends_a_request_the_model_accepts_and_reads_every_member_it_declares_from_the_models_response(string operation)
    {
        var request = await ClientConformance.CheckAsync(Service, operation, s => new LogsClient(s), Calls[operation]);

        Assert.Equal("Logs_20140328." + operation, request.Header("X-Amz-Target"));
    }

    [Fact]
    public void The_client_covers_every_Logs_operation_the_build_needs()
    {
        string[] needed = ["CreateLogGroup", "DeleteLogGroup", "DescribeLogGroups", "PutRetentionPolicy", "DescribeLogStreams", "GetLogEvents", "FilterLogEvents"];

        Assert.Equal(needed.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Event_times_in_epoch_milliseconds_convert_to_instants()
    {
        var logEvent = new OutputLogEvent(1_700_000_000_123, "boom", null);

        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), logEvent.At);
    }
}
