using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Logs;

/// <summary>Log events: put (with AWS's ordering and age rules), read by position, filter across streams.</summary>
internal sealed partial class LogsService
{
    private JsonObject PutLogEvents(JsonObject request)
    {
        var groupName = request.RequiredString("logGroupName");
        var streamName = request.RequiredString("logStreamName");
        var items = request.OptionalArray("logEvents") ?? throw AwsServiceException.Validation("logEvents");
        var events = items.Select(ParseInputEvent).ToList();
        if (events.Count == 0)
        {
            throw new AwsServiceException("InvalidParameterException", "1 validation error detected: Value '[]' at 'logEvents' failed to satisfy constraint: Member must have length greater than or equal to 1");
        }

        for (var i = 1; i < events.Count; i++)
        {
            if (events[i].Timestamp < events[i - 1].Timestamp)
            {
                throw new AwsServiceException("InvalidParameterException", "Log events in a single PutLogEvents request must be in chronological order.");
            }
        }

        var now = store.NowMilliseconds;
        var result = store.Update(state =>
        {
            var group = LogsStore.Group(state, groupName);
            return LogsStore.Append(state, group, LogsStore.Stream(group, streamName), events, now);
        });

        // Sequence tokens are no longer enforced by AWS; one is still returned for old clients.
        var response = new JsonObject { ["nextSequenceToken"] = now.ToString(CultureInfo.InvariantCulture) };
        if (result.TooOldLogEventEndIndex is not null || result.TooNewLogEventStartIndex is not null)
        {
            var rejected = new JsonObject();
            if (result.TooOldLogEventEndIndex is { } tooOld)
            {
                rejected["tooOldLogEventEndIndex"] = tooOld;
            }

            if (result.TooNewLogEventStartIndex is { } tooNew)
            {
                rejected["tooNewLogEventStartIndex"] = tooNew;
            }

            response["rejectedLogEventsInfo"] = rejected;
        }

        return response;
    }

    private JsonObject GetLogEvents(JsonObject request)
    {
        var groupName = GroupName(request);
        var streamName = request.RequiredString("logStreamName");
        var startTime = request.OptionalLong("startTime");
        var endTime = request.OptionalLong("endTime");
        var limit = request.OptionalInt("limit") ?? DefaultEventsLimit;
        var startFromHead = request.OptionalBool("startFromHead") ?? false;
        var token = request.OptionalString("nextToken");
        return store.Read(state =>
        {
            var stream = LogsStore.Stream(LogsStore.Group(state, groupName), streamName);
            var events = stream.Events
                .Where(e => (startTime is null || e.Timestamp >= startTime) && (endTime is null || e.Timestamp < endTime))
                .ToList();

            // Tokens are positions: "f/<n>" reads forward from n, "b/<n>" reads backward ending before n.
            int from;
            int to;
            if (token is not null && token.StartsWith("b/", StringComparison.Ordinal))
            {
                to = Math.Min(ParseIndexToken(token[2..]), events.Count);
                from = Math.Max(0, to - limit);
            }
            else if (token is not null && token.StartsWith("f/", StringComparison.Ordinal))
            {
                from = Math.Min(ParseIndexToken(token[2..]), events.Count);
                to = Math.Min(events.Count, from + limit);
            }
            else if (token is not null)
            {
                throw new AwsServiceException("InvalidParameterException", "The specified nextToken is invalid.");
            }
            else
            {
                from = startFromHead ? 0 : Math.Max(0, events.Count - limit);
                to = Math.Min(events.Count, from + limit);
            }

            return new JsonObject
            {
                ["events"] = new JsonArray(events[from..to].Select(e => (JsonNode)new JsonObject
                {
                    ["timestamp"] = e.Timestamp,
                    ["message"] = e.Message,
                    ["ingestionTime"] = e.IngestionTime,
                }).ToArray()),
                ["nextForwardToken"] = FormattableString.Invariant($"f/{to:D20}"),
                ["nextBackwardToken"] = FormattableString.Invariant($"b/{from:D20}"),
            };
        });
    }

    private JsonObject FilterLogEvents(JsonObject request)
    {
        var groupName = GroupName(request);
        var streamNames = request.OptionalStringList("logStreamNames");
        var streamPrefix = request.OptionalString("logStreamNamePrefix");
        var startTime = request.OptionalLong("startTime");
        var endTime = request.OptionalLong("endTime");
        var pattern = FilterPattern.Parse(request.OptionalString("filterPattern"));
        var limit = request.OptionalInt("limit") ?? DefaultEventsLimit;
        var start = ParseIndexToken(request.OptionalString("nextToken"));
        if (streamNames.Count > 0 && streamPrefix is not null)
        {
            throw new AwsServiceException("InvalidParameterException", "logStreamNames and logStreamNamePrefix are mutually exclusive.");
        }

        return store.Read(state =>
        {
            var group = LogsStore.Group(state, groupName);
            var streams = group.Streams
                .Where(s => (streamNames.Count == 0 || streamNames.Contains(s.Key)) && (streamPrefix is null || s.Key.StartsWith(streamPrefix, StringComparison.Ordinal)))
                .ToList();
            var matching = streams
                .SelectMany(s => s.Value.Events.Select(e => (Stream: s.Key, Event: e)))
                .Where(x => (startTime is null || x.Event.Timestamp >= startTime) && (endTime is null || x.Event.Timestamp < endTime) && pattern.Matches(x.Event.Message))
                .OrderBy(x => x.Event.Timestamp).ThenBy(x => x.Event.EventId)
                .ToList();
            var page = matching.Skip(start).Take(limit).ToList();
            var response = new JsonObject
            {
                ["events"] = new JsonArray(page.Select(x => (JsonNode)new JsonObject
                {
                    ["logStreamName"] = x.Stream,
                    ["timestamp"] = x.Event.Timestamp,
                    ["message"] = x.Event.Message,
                    ["ingestionTime"] = x.Event.IngestionTime,
                    ["eventId"] = x.Event.EventId.ToString("D20", CultureInfo.InvariantCulture),
                }).ToArray()),
                ["searchedLogStreams"] = new JsonArray(streams.Select(s => (JsonNode)new JsonObject
                {
                    ["logStreamName"] = s.Key,
                    ["searchedCompletely"] = true,
                }).ToArray()),
            };
            if (start + page.Count < matching.Count)
            {
                response["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return response;
        });
    }

    private static (long Timestamp, string Message) ParseInputEvent(JsonNode? node)
    {
        var item = node as JsonObject ?? throw new AwsServiceException("SerializationException", "logEvents items must be objects.");
        return (item.OptionalLong("timestamp") ?? throw AwsServiceException.Validation("logEvents.member.timestamp"),
            item.OptionalString("message") ?? throw AwsServiceException.Validation("logEvents.member.message"));
    }
}
