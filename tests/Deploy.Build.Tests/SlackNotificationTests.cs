using System.Text;
using System.Text.Json.Nodes;
using Deploy.Testing.Slack;

namespace Deploy.Build.Tests;

/// <summary>./build.sh with --slack-webhook-url, as a GitLab job runs it, against a local receiver.</summary>
[Collection(BuildScriptGroup.Name)]
public sealed class SlackNotificationTests
{
    [Fact]
    public async Task A_failed_Rollback_tells_Slack_once_keeps_its_exit_code_and_never_prints_the_webhook_url_even_verbose()
    {
        await using var receiver = await SlackReceiver.StartAsync();
        var started = DateTime.UtcNow.AddSeconds(-2);
        const string sha = "0123456789abcdef0123456789abcdef01234567";

        // An AWS endpoint where nothing listens: reading the platform stack fails at once, as an outage would.
        var result = await BuildScript.RunProcessAsync(
            Path.Combine(BuildScript.Root, "build.sh"),
            ["Rollback", "--cloud", "Aws", "--aws-max-attempts", "1", "--slack-webhook-url", receiver.WebhookUrl.ToString(), "--verbosity", "verbose"],
            new Dictionary<string, string>
            {
                ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
                ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
                ["AWS_SECRET_ACCESS_KEY"] = "slack-test-secret-key",
                ["AWS_REGION"] = "eu-west-1",
                ["GITLAB_CI"] = "true",
                ["CI_JOB_URL"] = "https://gitlab.example.com/team/sample-service/-/jobs/4711",
                ["CI_JOB_NAME"] = "rollback",
                ["CI_JOB_ID"] = "4711",
                ["CI_COMMIT_SHA"] = sha,
                ["CI_COMMIT_TITLE"] = "Roll back the broken release",
                ["CI_COMMIT_AUTHOR"] = "Jane Doe <jane@example.com>",
                ["CI_PROJECT_URL"] = "https://gitlab.example.com/team/sample-service",
            });
        var printed = result.Output + result.Error;

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(@"(?m)^Rollback\s+Failed", result.Output);
        Assert.Contains("Slack: notified (failed).", result.Output, StringComparison.Ordinal);
        var request = Assert.Single(receiver.Requests);
        BlockKitShape.AssertConforms(request.Body);
        var message = JsonNode.Parse(request.Body)!;
        Assert.StartsWith("Rollback of the service failed · AWS, eu-west-1 · commit 01234567 Roll back the broken release by Jane Doe · ", message["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"<https://gitlab.example.com/team/sample-service/-/commit/{sha}|`01234567`> Roll back the broken release", request.Body, StringComparison.Ordinal);
        Assert.Contains("<https://gitlab.example.com/team/sample-service/-/jobs/4711|GitLab job rollback #4711>", request.Body, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:9", request.Body, StringComparison.Ordinal);

        Assert.DoesNotContain(receiver.Token, printed, StringComparison.Ordinal);
        Assert.DoesNotContain("B0TESTHOOK", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("slack-test-secret-key", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("slack-test-secret-key", request.Body, StringComparison.Ordinal);
        foreach (var file in FilesWrittenSince(started))
        {
            Assert.False(Encoding.Latin1.GetString(await File.ReadAllBytesAsync(file)).Contains(receiver.Token, StringComparison.Ordinal), $"the webhook URL was written to {file}");
        }
    }

    [Fact]
    public async Task The_help_shows_the_webhook_url_given_on_the_command_line_as_stars()
    {
        var url = SlackReceiver.DownWebhookUrl();

        var result = await BuildScript.RunAsync("--help", "--slack-webhook-url", url.ToString(), "--notify-on", "failed,rolled-back");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"--slack-webhook-url <string> +\(secret\) .*\[value: \*\*\*; default: \(none\); source: --slack-webhook-url\]", result.Output);
        Assert.Matches(@"--notify-on <succeeded\|unchanged\|failed\|rolled-back\|timed-out\[\]> .*\[value: failed,rolled-back; default: succeeded,failed,rolled-back,timed-out;", result.Output);
        Assert.DoesNotContain(url.Segments[^1], result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_Slack_that_is_down_costs_one_warning_and_the_build_keeps_its_own_result()
    {
        var down = SlackReceiver.DownWebhookUrl();

        var result = await BuildScript.RunProcessAsync(
            Path.Combine(BuildScript.Root, "build.sh"),
            ["Rollback", "--cloud", "Aws", "--aws-max-attempts", "1"],
            new Dictionary<string, string>
            {
                ["SLACK_WEBHOOK_URL"] = down.ToString(),
                ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9",
                ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE",
                ["AWS_SECRET_ACCESS_KEY"] = "slack-test-secret-key",
                ["AWS_REGION"] = "eu-west-1",
            });
        var printed = result.Output + result.Error;

        Assert.Equal(1, result.ExitCode);
        var warning = Assert.Single(printed.Split('\n'), l => l.Contains("Slack", StringComparison.Ordinal));
        Assert.Equal("Warning: Slack notification (failed) not delivered after 4 attempts: could not connect (ConnectionRefused). The Rollback result stands.", warning.Trim());
        Assert.DoesNotContain(down.Segments[^1], printed, StringComparison.Ordinal);
        Assert.DoesNotContain(down.Authority, printed, StringComparison.Ordinal);
    }

    /// <summary>Every file under the repository (but .git) written since <paramref name="since"/>: what the build wrote.</summary>
    private static IEnumerable<string> FilesWrittenSince(DateTime since) =>
        Directory.EnumerateFiles(BuildScript.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}.git{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.GetLastWriteTimeUtc(f) >= since);
}
