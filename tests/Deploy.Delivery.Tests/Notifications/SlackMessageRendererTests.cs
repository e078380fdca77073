using System.Text.Json.Nodes;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Notifications;
using Deploy.Testing.Slack;

namespace Deploy.Delivery.Tests.Notifications;

public sealed class SlackMessageRendererTests
{
    private static readonly string[] OutcomeNames = ["deployed", "unchanged", "failed", "rolled back by the circuit breaker", "rolled back by Rollback", "timed out"];

    public static TheoryData<string> Outcomes() => [.. OutcomeNames];

    [Theory]
    [MemberData(nameof(Outcomes))]
    public void Every_outcome_renders_a_message_that_conforms_to_Block_Kit_with_the_commit_and_where_it_ran(string outcome)
    {
        var json = Render(Sample(outcome));

        BlockKitShape.AssertConforms(json);
        var text = AllText(json);
        Assert.Contains("<https://gitlab.example.com/team/sample-service/-/commit/" + SampleNotifications.Sha + "|`4f9c2e1d`> Fix the health check path", text, StringComparison.Ordinal);
        Assert.Contains("Jane Doe", text, StringComparison.Ordinal);
        Assert.Contains("<https://gitlab.example.com/team/sample-service/-/jobs/4711|GitLab job deploy #4711>", text, StringComparison.Ordinal);
        Assert.Contains("profile aws · account 123456789012 · eu-west-1", text, StringComparison.Ordinal);
        Assert.Contains("<http://sample-lb-123.eu-west-1.elb.amazonaws.com/|", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_outcome_has_its_own_headline()
    {
        var headlines = OutcomeNames.Select(o => SlackMessageRenderer.Headline(Sample(o))).ToList();

        Assert.Equal(
            [
                "Deploy of sample-service succeeded",
                "Deploy of sample-service: unchanged",
                "Deploy of sample-service failed",
                "Deploy of sample-service failed and was rolled back to sample-service:7",
                "sample-service rolled back to sample-service:7",
                "Deploy of sample-service timed out",
            ],
            headlines);
    }

    [Fact]
    public void A_rolled_back_deploy_shows_the_reason_the_stopped_tasks_and_the_last_log_lines()
    {
        var message = SlackMessageRenderer.Render(SampleNotifications.RolledBackByCircuitBreaker());
        var json = message.ToJson();

        BlockKitShape.AssertConforms(json);
        var blocks = Blocks(json);
        Assert.Equal(":rewind: Deploy of sample-service failed and was rolled back to sample-service:7", blocks[0]!["text"]!["text"]!.GetValue<string>());
        var text = AllText(json);
        Assert.Contains("`sample-service:8` → rolled back to `sample-service:7`", text, StringComparison.Ordinal);
        Assert.Contains("*Why*\ndeployment ecs-svc/2222 of sample-service:8 is gone", text, StringComparison.Ordinal);
        Assert.Contains("task task1aaaabbbbccccdddd: Essential container in task exited (EssentialContainerExited)\n  container sample-service: exit code 3", text, StringComparison.Ordinal);
        Assert.Contains("*Last 3 log lines of sample-service* (task task1aaaabbbbccccdddd, /ecs/sample-service ecs/sample-service/task1aaaabbbbccccdddd)\n```\nstarting\nUnhandled exception: config key DB_URL is missing\nboom\n```", text, StringComparison.Ordinal);
        // The log lines of the latest stopped task only: the others repeat the same crash.
        Assert.DoesNotContain("Last 3 log lines of sample-service* (task task2", text, StringComparison.Ordinal);
        Assert.StartsWith("Deploy of sample-service failed and was rolled back to sample-service:7 · profile aws, 123456789012, eu-west-1 · commit 4f9c2e1d Fix the health check path by Jane Doe · deployment ecs-svc/2222", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failure_without_a_rollout_shows_its_reason_and_no_task_sections()
    {
        var json = Render(SampleNotifications.Failed());

        BlockKitShape.AssertConforms(json);
        var text = AllText(json);
        Assert.Contains("*Why*\nImage 123456789012.dkr.ecr.eu-west-1.amazonaws.com/sample-service:abc is not in ECR", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Stopped tasks", text, StringComparison.Ordinal);
        Assert.Equal(3, Blocks(json).Count);
    }

    [Fact]
    public void A_huge_reason_is_cut_to_the_section_limit_and_marked()
    {
        var reason = "Deployment failed because " + string.Concat(Enumerable.Repeat("a < b & c > d; ", 8000));

        var json = Render(SampleNotifications.Failed(reason));

        BlockKitShape.AssertConforms(json);
        var why = Blocks(json).Select(b => b!["text"]?["text"]?.GetValue<string>()).Single(t => t?.StartsWith("*Why*", StringComparison.Ordinal) == true)!;
        Assert.InRange(why.Length, 2900, 3000);
        Assert.EndsWith(SlackText.Ellipsis.ToString(), why, StringComparison.Ordinal);
        Assert.Contains("a &lt; b &amp; c &gt; d", why, StringComparison.Ordinal);
        Assert.InRange(SlackMessageRenderer.Render(SampleNotifications.Failed(reason)).Text.Length, 1, 3000);
    }

    [Fact]
    public void Huge_log_lines_keep_the_last_lines_within_the_limits()
    {
        var lines = Enumerable.Range(1, 20).Select(i => $"line {i:00} " + new string((char)('a' + i), 10_000)).ToList();

        var json = Render(SampleNotifications.RolledBackByCircuitBreaker(SampleNotifications.RolledBack(tasks: 3, lines: lines)));

        BlockKitShape.AssertConforms(json);
        var logs = Blocks(json).Select(b => b!["text"]?["text"]?.GetValue<string>()).Single(t => t?.StartsWith("*Last", StringComparison.Ordinal) == true)!;
        Assert.Contains("line 20 ", logs, StringComparison.Ordinal);
        Assert.DoesNotContain("line 01 ", logs, StringComparison.Ordinal);
        Assert.Contains("earlier lines left out", logs, StringComparison.Ordinal);
        Assert.EndsWith("```", logs, StringComparison.Ordinal);
    }

    [Fact]
    public void Hundreds_of_stopped_tasks_and_containers_stay_within_fifty_blocks_and_the_section_limit()
    {
        var failure = SampleNotifications.RolledBack(tasks: 300) with
        {
            StoppedTasks = [.. SampleNotifications.RolledBack(tasks: 300).StoppedTasks.Select(t => t with
            {
                Containers = [.. Enumerable.Range(1, 20).Select(c => new StoppedContainer($"sidecar-{c}", 137, "OutOfMemoryError: " + new string('m', 500)))],
                Logs = [.. Enumerable.Range(1, 20).Select(c => new ContainerLog($"sidecar-{c}", "/ecs/x", $"ecs/sidecar-{c}/{t.Id}", ["oom"]))],
            })],
        };

        var json = Render(SampleNotifications.RolledBackByCircuitBreaker(failure));

        BlockKitShape.AssertConforms(json);
        Assert.InRange(Blocks(json).Count, 1, 50);
    }

    [Fact]
    public void A_long_service_name_is_cut_in_the_header_and_the_field()
    {
        var notification = SampleNotifications.Failed() with { Context = SampleNotifications.Context with { Service = new string('s', 3000), Cluster = new string('c', 3000) } };

        BlockKitShape.AssertConforms(Render(notification));
    }

    [Fact]
    public void Control_characters_and_code_fences_in_log_lines_are_escaped_and_stay_inside_the_code_block()
    {
        var failure = SampleNotifications.RolledBack(tasks: 1, lines: ["<script>alert(1)</script> & <!channel>", "```", "after the fence", ""]);

        var json = Render(SampleNotifications.RolledBackByCircuitBreaker(failure));

        BlockKitShape.AssertConforms(json);
        var text = AllText(json);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;!channel&gt;\n'''\nafter the fence\n \n```", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_run_that_failed_before_knowing_anything_still_renders_a_valid_message()
    {
        var notification = DeployNotification.For(new NotificationContext { Command = "Rollback" }, new InvalidOperationException("The local cloud is not running."), TimeSpan.Zero);

        var json = Render(notification);

        BlockKitShape.AssertConforms(json);
        Assert.Contains("Rollback of the service failed", AllText(json), StringComparison.Ordinal);
    }

    private static DeployNotification Sample(string outcome) => outcome switch
    {
        "deployed" => SampleNotifications.Deployed(),
        "unchanged" => SampleNotifications.Unchanged(),
        "failed" => SampleNotifications.Failed(),
        "rolled back by the circuit breaker" => SampleNotifications.RolledBackByCircuitBreaker(),
        "rolled back by Rollback" => SampleNotifications.RolledBackByRollback(),
        _ => SampleNotifications.TimedOut(),
    };

    private static string Render(DeployNotification notification) => SlackMessageRenderer.Render(notification).ToJson();

    private static JsonArray Blocks(string json) => JsonNode.Parse(json)!["blocks"]!.AsArray();

    /// <summary>Every text of the message, joined: the fallback, header, section texts and fields.</summary>
    private static string AllText(string json)
    {
        var root = JsonNode.Parse(json)!;
        var texts = new List<string> { root["text"]!.GetValue<string>() };
        foreach (var block in root["blocks"]!.AsArray())
        {
            if (block!["text"]?["text"] is { } text)
            {
                texts.Add(text.GetValue<string>());
            }

            texts.AddRange((block["fields"]?.AsArray() ?? []).Select(f => f!["text"]!.GetValue<string>()));
        }

        return string.Join("\n", texts);
    }
}
