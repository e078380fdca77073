using System.Text.Json;
using Deploy.Aws.Logs;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Logs;

[Collection(MotoGroup.Name)]
public sealed class LogsMotoTests(MotoServer moto) : MotoTestBase(moto)
{
    [Fact]
    public async Task A_log_group_is_created_given_a_retention_described_and_deleted()
    {
        using var session = MotoSessions.For(Moto);
        var logs = new LogsClient(session);

        await logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "/ecs/app", Tags = new Dictionary<string, string> { ["app"] = "web" } });
        await logs.PutRetentionPolicyAsync(new PutRetentionPolicyRequest("/ecs/app", 30));
        var groups = new List<LogGroup>();
        await foreach (var group in logs.DescribeAllLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/ecs/" }))
        {
            groups.Add(group);
        }

        await logs.DeleteLogGroupAsync(new DeleteLogGroupRequest("/ecs/app"));
        var after = await logs.DescribeLogGroupsAsync(new DescribeLogGroupsRequest { LogGroupNamePrefix = "/ecs/" });

        var created = Assert.Single(groups);
        Assert.Equal("/ecs/app", created.LogGroupName);
        Assert.Equal(30, created.RetentionInDays);
        Assert.NotNull(created.CreatedAt);
        Assert.Empty(after.LogGroups!);
    }

    [Fact]
    public async Task Creating_a_log_group_twice_fails_with_ResourceAlreadyExistsException()
    {
        using var session = MotoSessions.For(Moto);
        var logs = new LogsClient(session);
        await logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "/ecs/app" });

        var error = await Assert.ThrowsAsync<LogsException>(() => logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "/ecs/app" }));

        Assert.Equal("ResourceAlreadyExistsException", error.Code);
        Assert.StartsWith("CloudWatch Logs CreateLogGroup failed for log group '/ecs/app'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_last_lines_of_a_container_stream_are_read_and_filtered()
    {
        using var session = MotoSessions.For(Moto);
        var logs = new LogsClient(session);
        await logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "/ecs/app" });
        await JsonProtocol.InvokeAsync<object, JsonElement>(
            session, AwsService.Logs, "CreateLogStream", new { logGroupName = "/ecs/app", logStreamName = "web/web/task1" }, null, CancellationToken.None);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await JsonProtocol.InvokeAsync<object, JsonElement>(
            session,
            AwsService.Logs,
            "PutLogEvents",
            new
            {
                logGroupName = "/ecs/app",
                logStreamName = "web/web/task1",
                logEvents = new[]
                {
                    new { timestamp = now - 2000, message = "starting" },
                    new { timestamp = now - 1000, message = "ERROR cannot reach database" },
                    new { timestamp = now, message = "exiting with 1" },
                },
            },
            null,
            CancellationToken.None);

        var streams = await logs.DescribeLogStreamsAsync(new DescribeLogStreamsRequest { LogGroupName = "/ecs/app", OrderBy = "LastEventTime", Descending = true });
        var last = await logs.GetLastEventsAsync("/ecs/app", "web/web/task1", 2);
        var errors = await logs.FilterLogEventsAsync(new FilterLogEventsRequest { LogGroupName = "/ecs/app", FilterPattern = "ERROR" });

        Assert.Equal("web/web/task1", Assert.Single(streams.LogStreams!).LogStreamName);
        Assert.Equal(["ERROR cannot reach database", "exiting with 1"], last.Select(e => e.Message));
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(now), last[^1].At);
        Assert.Equal("ERROR cannot reach database", Assert.Single(errors.Events!).Message);
    }

    [Fact]
    public async Task Reading_a_missing_stream_fails_with_ResourceNotFoundException()
    {
        using var session = MotoSessions.For(Moto);
        var logs = new LogsClient(session);
        await logs.CreateLogGroupAsync(new CreateLogGroupRequest { LogGroupName = "/ecs/app" });

        var error = await Assert.ThrowsAsync<LogsException>(() => logs.GetLastEventsAsync("/ecs/app", "nope", 10));

        Assert.Equal("ResourceNotFoundException", error.Code);
        Assert.Contains("log stream 'nope' in log group '/ecs/app'", error.Message, StringComparison.Ordinal);
    }
}
