using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.Delivery.Fargate;

namespace Deploy.Delivery.Notifications;

/// <summary>An incoming-webhook message: the plain-text fallback (notifications, screen readers) and the Block Kit blocks.</summary>
public sealed record SlackMessage(string Text, JsonArray Blocks)
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, WriteIndented = false };

    /// <summary>The request body: <c>text</c>, <c>blocks</c>, no link previews.</summary>
    public string ToJson(bool indented = false) => new JsonObject
    {
        ["text"] = Text,
        ["blocks"] = Blocks.DeepClone(),
        ["unfurl_links"] = false,
        ["unfurl_media"] = false,
    }.ToJsonString(indented ? new JsonSerializerOptions(Json) { WriteIndented = true } : Json);
}

/// <summary>
/// Renders a <see cref="DeployNotification"/> as a Slack message within Slack's Block Kit limits (docs.slack.dev, Block
/// Kit reference): at most 50 blocks; a header's plain_text at most 150 characters; a section's text at most 3,000 and its
/// fields at most 10 of at most 2,000 each; no empty text object. Long reasons and log lines are cut, never the message.
/// </summary>
public static class SlackMessageRenderer
{
    private const int MaxBlocks = 50;
    private const int HeaderLimit = 150;
    private const int SectionLimit = 3000;
    private const int FieldLimit = 2000;
    private const int MaxFields = 10;
    private const int FallbackLimit = 3000;

    /// <summary>A few lines say why a container stopped; a wall of text hides it.</summary>
    private const int LogLinesShown = 10;

    private const int LogLineLimit = 300;
    private const int MaxLogBlocks = 3;

    public static SlackMessage Render(DeployNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var blocks = new JsonArray
        {
            new JsonObject
            {
                ["type"] = "header",
                ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = SlackText.Within($"{Emoji(notification.Outcome)} {Headline(notification)}", HeaderLimit), ["emoji"] = true },
            },
            new JsonObject { ["type"] = "section", ["fields"] = Fields(notification) },
        };

        if (notification.Reason is { Length: > 0 } reason)
        {
            blocks.Add(Section(Bold(notification.Outcome == NotificationOutcome.TimedOut ? "What is still pending" : "Why"), reason));
        }

        if (notification.Rollout is { } rollout)
        {
            if (StoppedTasks(rollout) is { } stopped)
            {
                blocks.Add(stopped);
            }

            foreach (var logs in Logs(rollout).Take(MaxLogBlocks))
            {
                blocks.Add(logs);
            }
        }

        while (blocks.Count > MaxBlocks)
        {
            blocks.RemoveAt(blocks.Count - 1);
        }

        return new SlackMessage(Fallback(notification), blocks);
    }

    /// <summary>What happened, in one line: the header, and the start of the fallback text.</summary>
    public static string Headline(DeployNotification notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var context = notification.Context;
        var what = context.Command switch
        {
            "DeployFargate" => "Deploy",
            "Rollback" => "Rollback",
            "Release" => "Release",
            _ => context.Command,
        };
        var service = context.Service ?? "the service";
        return notification.Outcome switch
        {
            NotificationOutcome.Succeeded => $"{what} of {service} succeeded",
            NotificationOutcome.Unchanged => $"{what} of {service}: unchanged",
            NotificationOutcome.TimedOut => $"{what} of {service} timed out",
            NotificationOutcome.RolledBack when notification.Rollout is not null =>
                $"{what} of {service} failed and was rolled back to {notification.RolledBackTo}",
            NotificationOutcome.RolledBack => $"{service} rolled back to {notification.RolledBackTo ?? "the previous revision"}",
            _ => $"{what} of {service} failed",
        };
    }

    private static string Emoji(NotificationOutcome outcome) => outcome switch
    {
        NotificationOutcome.Succeeded => ":white_check_mark:",
        NotificationOutcome.Unchanged => ":white_circle:",
        NotificationOutcome.RolledBack => ":rewind:",
        NotificationOutcome.TimedOut => ":hourglass_flowing_sand:",
        _ => ":x:",
    };

    private static JsonArray Fields(DeployNotification notification)
    {
        var context = notification.Context;
        var fields = new List<(string Label, string? Value)>
        {
            ("Service", context.Service is null ? null : Code(context.Service) + (context.Cluster is { } cluster && cluster != context.Service ? $" in cluster {Code(cluster)}" : "")),
            ("Environment", Join(" · ", context.Profile is null ? null : SlackText.Escape(context.Profile), context.Account is null ? null : "account " + SlackText.Escape(context.Account), context.Region is null ? null : SlackText.Escape(context.Region))),
            ("Commit", context.Commit is { } commit ? Link(commit.Url, commit.ShortSha, code: true) + (commit.Title is { } title ? " " + SlackText.EscapeWithin(title, 200) : "") : null),
            ("Author", context.Commit?.Author is { } author ? SlackText.EscapeWithin(author, 200) : null),
            ("Ran on", context.RanOn is { } ran ? Link(ran.Url, ran.Text, code: false) : null),
            ("Duration", notification.Duration is { } duration ? Describe(duration) : null),
            ("Task definition", TaskDefinition(notification)),
            ("Service URL", context.ServiceUrl is { } url ? Link(url, url.ToString(), code: false) : null),
        };

        var array = new JsonArray();
        foreach (var (label, value) in fields.Where(f => !string.IsNullOrEmpty(f.Value)).Take(MaxFields))
        {
            array.Add(Mrkdwn(Fit(Bold(label) + "\n" + value, FieldLimit)));
        }

        if (array.Count == 0)
        {
            array.Add(Mrkdwn(Bold("Command") + "\n" + SlackText.EscapeWithin(context.Command, 200)));
        }

        return array;
    }

    private static string? TaskDefinition(DeployNotification notification) =>
        (notification.TaskDefinition, notification.RolledBackTo) switch
        {
            (null, null) => null,
            ({ } deployed, { } back) when deployed != back => $"{Code(deployed)} → rolled back to {Code(back)}",
            (_, { } back) => Code(back),
            ({ } deployed, null) => Code(deployed),
        };

    private static JsonObject? StoppedTasks(RolloutFailure rollout)
    {
        var lines = new List<string>();
        if (rollout.StoppedTasksUnavailable is { } why)
        {
            lines.Add($"(stopped tasks unavailable: {why})");
        }

        foreach (var task in rollout.StoppedTasks)
        {
            lines.Add(task.Line);
            lines.AddRange(task.Containers.Select(c => "  " + c.Line));
            lines.AddRange(task.Logs.Where(l => l.Lines.Count == 0).Select(l => "  " + l.Text.Trim()));
        }

        if (lines.Count == 0)
        {
            return null;
        }

        var title = Bold($"Stopped tasks of {rollout.Revision}") + " (latest first)";
        var body = SlackText.EscapeWithin(string.Join('\n', lines), SectionLimit - title.Length - 10);
        return Section(title + "\n```\n" + body + "\n```");
    }

    /// <summary>The last lines of the latest stopped task's containers that have any.</summary>
    private static IEnumerable<JsonObject> Logs(RolloutFailure rollout)
    {
        var task = rollout.StoppedTasks.FirstOrDefault(t => t.Logs.Any(l => l.Lines.Count > 0));
        if (task is null)
        {
            yield break;
        }

        foreach (var log in task.Logs.Where(l => l.Lines.Count > 0))
        {
            var source = $" (task {SlackText.Escape(task.Id)}, {SlackText.EscapeWithin(log.Source, 300)})";
            yield return Section(SlackText.TailBlock(
                shown => Bold($"Last {shown} log line{(shown == 1 ? "" : "s")} of {log.Container}") + source, log.Lines, LogLinesShown, SectionLimit, LogLineLimit));
        }
    }

    private static string Fallback(DeployNotification notification)
    {
        var context = notification.Context;
        var parts = new List<string?>
        {
            Headline(notification),
            Join(", ", context.Profile, context.Account, context.Region),
            context.Commit is { } commit ? $"commit {commit.ShortSha}{(commit.Title is { } title ? " " + title : "")}{(commit.Author is { } author ? " by " + author : "")}" : null,
            notification.Reason is { } reason ? reason.Split('\n', 2)[0] : null,
        };
        return SlackText.EscapeWithin(string.Join(" · ", parts.Where(p => !string.IsNullOrEmpty(p))), FallbackLimit);
    }

    private static JsonObject Section(string title, string text) =>
        Section(title + "\n" + SlackText.EscapeWithin(text, SectionLimit - title.Length - 1));

    private static JsonObject Section(string mrkdwn) => new() { ["type"] = "section", ["text"] = Mrkdwn(Fit(mrkdwn, SectionLimit)) };

    private static JsonObject Mrkdwn(string text) => new() { ["type"] = "mrkdwn", ["text"] = text };

    /// <summary>Already escaped text that should fit; cut as plain text if a caller's estimate was off.</summary>
    private static string Fit(string mrkdwn, int limit) => SlackText.Within(mrkdwn, limit);

    private static string Bold(string text) => $"*{SlackText.Escape(text)}*";

    private static string Code(string text) => $"`{SlackText.EscapeWithin(text.Replace("`", "'", StringComparison.Ordinal), 300)}`";

    private static string Link(Uri? url, string text, bool code)
    {
        var label = code ? Code(text) : SlackText.EscapeWithin(text.Replace("|", "¦", StringComparison.Ordinal), 300);
        return url is null ? label : $"<{SlackText.Escape(url.AbsoluteUri)}|{label}>";
    }

    private static string? Join(string separator, params string?[] parts)
    {
        var present = parts.Where(p => !string.IsNullOrEmpty(p)).ToList();
        return present.Count == 0 ? null : string.Join(separator, present);
    }

    private static string Describe(TimeSpan duration) => duration.TotalSeconds < 60
        ? $"{Math.Round(duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s"
        : duration.TotalHours < 1
            ? $"{(int)duration.TotalMinutes} min {duration.Seconds} s"
            : $"{(int)duration.TotalHours} h {duration.Minutes} min";
}
