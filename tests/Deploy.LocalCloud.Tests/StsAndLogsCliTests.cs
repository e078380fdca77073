using System.Globalization;
using Deploy.LocalCloud.Logs;
using Deploy.LocalCloud.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests;

public sealed class StsAndLogsCliTests
{
    [Fact]
    public async Task Get_caller_identity_reports_the_configured_account_and_the_local_user()
    {
        await using var cloud = await TestCloud.StartAsync();

        var identity = await cloud.Cli.JsonAsync("sts", "get-caller-identity");

        Assert.Equal("000000000000", identity["Account"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::000000000000:user/local", identity["Arn"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(identity["UserId"]!.GetValue<string>()));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Log_events_put_with_the_cli_come_back_from_get_log_events_and_filter_log_events()
    {
        await using var cloud = await TestCloud.StartAsync();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await cloud.Cli.JsonAsync("logs", "create-log-group", "--log-group-name", "/app/web");
        await cloud.Cli.JsonAsync("logs", "create-log-stream", "--log-group-name", "/app/web", "--log-stream-name", "web/1");
        var events = $"[{{\"timestamp\":{now - 2},\"message\":\"starting up\"}},{{\"timestamp\":{now - 1},\"message\":\"listening on 8080\"}},{{\"timestamp\":{now},\"message\":\"GET /health 200\"}}]";

        var put = await cloud.Cli.JsonAsync("logs", "put-log-events", "--log-group-name", "/app/web", "--log-stream-name", "web/1", "--log-events", events);
        var got = await cloud.Cli.JsonAsync("logs", "get-log-events", "--log-group-name", "/app/web", "--log-stream-name", "web/1", "--start-from-head");
        var filtered = await cloud.Cli.JsonAsync("logs", "filter-log-events", "--log-group-name", "/app/web", "--filter-pattern", "\"listening on\"");
        var streams = await cloud.Cli.JsonAsync("logs", "describe-log-streams", "--log-group-name", "/app/web");

        Assert.NotNull(put["nextSequenceToken"]);
        Assert.Equal(["starting up", "listening on 8080", "GET /health 200"], got["events"]!.AsArray().Select(e => e!["message"]!.GetValue<string>()));
        Assert.Equal("listening on 8080", filtered["events"]!.AsArray().Single()!["message"]!.GetValue<string>());
        Assert.Equal("web/1", filtered["events"]![0]!["logStreamName"]!.GetValue<string>());
        Assert.Equal(now, streams["logStreams"]![0]!["lastEventTimestamp"]!.GetValue<long>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Log_groups_have_retention_and_the_usual_not_found_and_already_exists_errors()
    {
        await using var cloud = await TestCloud.StartAsync();
        await cloud.Cli.JsonAsync("logs", "create-log-group", "--log-group-name", "/retained");

        await cloud.Cli.JsonAsync("logs", "put-retention-policy", "--log-group-name", "/retained", "--retention-in-days", "7");
        var groups = await cloud.Cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ret");

        Assert.Equal(7, groups["logGroups"]![0]!["retentionInDays"]!.GetValue<int>());
        Assert.Equal("InvalidParameterException", await cloud.Cli.ErrorCodeAsync("logs", "put-retention-policy", "--log-group-name", "/retained", "--retention-in-days", "8"));
        Assert.Equal("ResourceAlreadyExistsException", await cloud.Cli.ErrorCodeAsync("logs", "create-log-group", "--log-group-name", "/retained"));
        Assert.Equal("ResourceNotFoundException", await cloud.Cli.ErrorCodeAsync("logs", "get-log-events", "--log-group-name", "/retained", "--log-stream-name", "none"));
        await cloud.Cli.JsonAsync("logs", "delete-log-group", "--log-group-name", "/retained");
        Assert.Equal("ResourceNotFoundException", await cloud.Cli.ErrorCodeAsync("logs", "delete-log-group", "--log-group-name", "/retained"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Container_output_appended_internally_is_read_back_with_the_cli()
    {
        await using var cloud = await TestCloud.StartAsync();
        var logs = cloud.Instance.Services.GetRequiredService<LogsStore>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        logs.AppendContainerOutput("/ecs/sample", "ecs/web/0123456789", [(now, "hello from the container")]);
        var got = await cloud.Cli.JsonAsync("logs", "get-log-events", "--log-group-name", "/ecs/sample", "--log-stream-name", "ecs/web/0123456789");

        Assert.Equal("hello from the container", got["events"]![0]!["message"]!.GetValue<string>());
        Assert.Equal(now.ToString(CultureInfo.InvariantCulture), got["events"]![0]!["timestamp"]!.ToJsonString());
        cloud.AssertResponsesMatchBotocore();
    }
}
