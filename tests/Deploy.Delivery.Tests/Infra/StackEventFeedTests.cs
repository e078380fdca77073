using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class StackEventFeedTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private static StackEvent Event(int n, string id, string status, string? reason = null) => new()
    {
        EventId = $"e{n}",
        LogicalResourceId = id,
        ResourceType = id == "stack" ? "AWS::CloudFormation::Stack" : "AWS::ECR::Repository",
        ResourceStatus = status,
        ResourceStatusReason = reason,
        Timestamp = Start.AddSeconds(n),
    };

    [Fact]
    public void New_events_come_out_oldest_first()
    {
        var feed = new StackEventFeed();

        var fresh = feed.TakeNew([Event(3, "Repo", "CREATE_COMPLETE"), Event(2, "Repo", "CREATE_IN_PROGRESS"), Event(1, "stack", "CREATE_IN_PROGRESS")]);

        Assert.Equal(["e1", "e2", "e3"], fresh.Select(e => e.EventId));
    }

    [Fact]
    public void An_event_is_shown_once_across_polls()
    {
        var feed = new StackEventFeed();
        feed.TakeNew([Event(2, "Repo", "CREATE_IN_PROGRESS"), Event(1, "stack", "CREATE_IN_PROGRESS")]);

        var second = feed.TakeNew([Event(4, "stack", "CREATE_COMPLETE"), Event(3, "Repo", "CREATE_COMPLETE"), Event(2, "Repo", "CREATE_IN_PROGRESS"), Event(1, "stack", "CREATE_IN_PROGRESS")]);
        var third = feed.TakeNew([Event(4, "stack", "CREATE_COMPLETE"), Event(3, "Repo", "CREATE_COMPLETE")]);

        Assert.Equal(["e3", "e4"], second.Select(e => e.EventId));
        Assert.Empty(third);
        Assert.Equal(["e1", "e2", "e3", "e4"], feed.Shown.Select(e => e.EventId));
    }

    [Fact]
    public void Events_from_before_the_operation_are_never_shown()
    {
        var feed = new StackEventFeed();
        feed.Baseline([Event(2, "stack", "CREATE_COMPLETE"), Event(1, "stack", "CREATE_IN_PROGRESS")]);

        var fresh = feed.TakeNew([Event(3, "stack", "UPDATE_IN_PROGRESS"), Event(2, "stack", "CREATE_COMPLETE"), Event(1, "stack", "CREATE_IN_PROGRESS")]);

        Assert.Equal(["e3"], fresh.Select(e => e.EventId));
    }

    [Fact]
    public void Reading_stops_at_the_first_known_event()
    {
        var feed = new StackEventFeed();
        feed.Baseline([Event(5, "stack", "UPDATE_COMPLETE")]);

        // Older events below a known one belong to history even if this feed never saw them.
        var fresh = feed.TakeNew([Event(6, "Repo", "UPDATE_IN_PROGRESS"), Event(5, "stack", "UPDATE_COMPLETE"), Event(1, "Repo", "CREATE_COMPLETE")]);

        Assert.Equal(["e6"], fresh.Select(e => e.EventId));
    }

    [Fact]
    public void An_event_line_has_time_status_logical_id_type_and_reason()
    {
        var line = StackEventFeed.Format(Event(7, "Repository", "CREATE_FAILED", "Resource handler returned message: \"Invalid request\""));

        Assert.Matches(@"^12:00:07  CREATE_FAILED\s+Repository\s+AWS::ECR::Repository  Resource handler returned message: ""Invalid request""$", line);
    }

    [Fact]
    public void An_event_line_without_a_reason_ends_with_the_type()
    {
        Assert.EndsWith("AWS::ECR::Repository", StackEventFeed.Format(Event(1, "Repository", "CREATE_COMPLETE")), StringComparison.Ordinal);
    }
}
