using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Logs;

/// <summary>CloudWatch Logs (JSON 1.1, <c>Logs_20140328</c>): groups and streams here, events in LogsService.Events.cs.</summary>
internal sealed partial class LogsService : IJsonApiService
{
    private static readonly int[] ValidRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
    private const int DefaultEventsLimit = 10_000;
    private const int DefaultDescribeLimit = 50;

    private readonly LogsStore store;
    private readonly JsonOperations operations;

    public LogsService(LogsStore store)
    {
        this.store = store;
        operations = new JsonOperations()
            .Add("CreateLogGroup", CreateLogGroup)
            .Add("DeleteLogGroup", DeleteLogGroup)
            .Add("DescribeLogGroups", DescribeLogGroups)
            .Add("PutRetentionPolicy", PutRetentionPolicy)
            .Add("DeleteRetentionPolicy", DeleteRetentionPolicy)
            .Add("CreateLogStream", CreateLogStream)
            .Add("DescribeLogStreams", DescribeLogStreams)
            .Add("PutLogEvents", PutLogEvents)
            .Add("GetLogEvents", GetLogEvents)
            .Add("FilterLogEvents", FilterLogEvents);
    }

    public string TargetPrefix => "Logs_20140328";

    public string SigningName => "logs";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private JsonObject CreateLogGroup(JsonObject request)
    {
        var name = request.RequiredString("logGroupName");
        var tags = request.OptionalObject("tags");
        var now = store.NowMilliseconds;
        store.Update(state =>
        {
            if (state.Groups.ContainsKey(name))
            {
                throw new AwsServiceException("ResourceAlreadyExistsException", "The specified log group already exists");
            }

            state.Groups[name] = new LogGroupRecord
            {
                CreationTime = now,
                Tags = tags?.ToDictionary(t => t.Key, t => t.Value?.ToString() ?? string.Empty, StringComparer.Ordinal) ?? new(StringComparer.Ordinal),
            };
            return 0;
        });
        return [];
    }

    private JsonObject DeleteLogGroup(JsonObject request)
    {
        var name = request.RequiredString("logGroupName");
        store.Update(state => state.Groups.Remove(name)
            ? 0
            : throw new AwsServiceException("ResourceNotFoundException", "The specified log group does not exist."));
        return [];
    }

    private JsonObject DescribeLogGroups(JsonObject request)
    {
        var prefix = request.OptionalString("logGroupNamePrefix") ?? string.Empty;
        var limit = request.OptionalInt("limit") ?? DefaultDescribeLimit;
        var start = ParseIndexToken(request.OptionalString("nextToken"));
        return store.Read(state =>
        {
            var matching = state.Groups.Where(g => g.Key.StartsWith(prefix, StringComparison.Ordinal))
                .OrderBy(g => g.Key, StringComparer.Ordinal).ToList();
            var page = matching.Skip(start).Take(limit).ToList();
            var response = new JsonObject
            {
                ["logGroups"] = new JsonArray(page.Select(g => (JsonNode)GroupJson(g.Key, g.Value)).ToArray()),
            };
            if (start + page.Count < matching.Count)
            {
                response["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return response;
        });
    }

    private JsonObject PutRetentionPolicy(JsonObject request)
    {
        var name = request.RequiredString("logGroupName");
        var days = request.OptionalInt("retentionInDays") ?? throw AwsServiceException.Validation("retentionInDays");
        if (!ValidRetentionDays.Contains(days))
        {
            throw new AwsServiceException("InvalidParameterException",
                $"1 validation error detected: Value '{days}' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [{string.Join(", ", ValidRetentionDays)}]");
        }

        var now = store.NowMilliseconds;
        store.Update(state =>
        {
            var group = LogsStore.Group(state, name);
            group.RetentionInDays = days;
            LogsStore.Expire(group, now);
            return 0;
        });
        return [];
    }

    private JsonObject DeleteRetentionPolicy(JsonObject request)
    {
        var name = request.RequiredString("logGroupName");
        store.Update(state => LogsStore.Group(state, name).RetentionInDays = null);
        return [];
    }

    private JsonObject CreateLogStream(JsonObject request)
    {
        var groupName = request.RequiredString("logGroupName");
        var streamName = request.RequiredString("logStreamName");
        var now = store.NowMilliseconds;
        store.Update(state =>
        {
            var group = LogsStore.Group(state, groupName);
            if (group.Streams.ContainsKey(streamName))
            {
                throw new AwsServiceException("ResourceAlreadyExistsException", "The specified log stream already exists");
            }

            group.Streams[streamName] = new LogStreamRecord { CreationTime = now };
            return 0;
        });
        return [];
    }

    private JsonObject DescribeLogStreams(JsonObject request)
    {
        var groupName = GroupName(request);
        var prefix = request.OptionalString("logStreamNamePrefix");
        var orderBy = request.OptionalString("orderBy") ?? "LogStreamName";
        var descending = request.OptionalBool("descending") ?? false;
        var limit = request.OptionalInt("limit") ?? DefaultDescribeLimit;
        var start = ParseIndexToken(request.OptionalString("nextToken"));
        if (orderBy is not ("LogStreamName" or "LastEventTime"))
        {
            throw new AwsServiceException("InvalidParameterException", $"Invalid orderBy '{orderBy}'.");
        }

        if (prefix is not null && orderBy == "LastEventTime")
        {
            throw new AwsServiceException("InvalidParameterException", "Cannot order by LastEventTime with a logStreamNamePrefix.");
        }

        return store.Read(state =>
        {
            var group = LogsStore.Group(state, groupName);
            var streams = group.Streams.Where(s => prefix is null || s.Key.StartsWith(prefix, StringComparison.Ordinal));
            var ordered = orderBy == "LogStreamName"
                ? streams.OrderBy(s => s.Key, StringComparer.Ordinal).ToList()
                : streams.OrderBy(s => s.Value.Events.Count == 0 ? 0 : s.Value.Events[^1].Timestamp).ToList();
            if (descending)
            {
                ordered.Reverse();
            }

            var page = ordered.Skip(start).Take(limit).ToList();
            var response = new JsonObject
            {
                ["logStreams"] = new JsonArray(page.Select(s => (JsonNode)StreamJson(groupName, s.Key, s.Value)).ToArray()),
            };
            if (start + page.Count < ordered.Count)
            {
                response["nextToken"] = (start + page.Count).ToString(CultureInfo.InvariantCulture);
            }

            return response;
        });
    }

    private JsonObject GroupJson(string name, LogGroupRecord group)
    {
        var arn = store.GroupArn(name);
        var json = new JsonObject
        {
            ["logGroupName"] = name,
            ["creationTime"] = group.CreationTime,
            ["metricFilterCount"] = 0,
            ["arn"] = arn + ":*",
            ["logGroupArn"] = arn,
            ["storedBytes"] = group.Streams.Values.Sum(s => s.Events.Sum(e => (long)Encoding.UTF8.GetByteCount(e.Message))),
            ["logGroupClass"] = "STANDARD",
        };
        if (group.RetentionInDays is { } days)
        {
            json["retentionInDays"] = days;
        }

        return json;
    }

    private JsonObject StreamJson(string groupName, string name, LogStreamRecord stream)
    {
        var json = new JsonObject
        {
            ["logStreamName"] = name,
            ["creationTime"] = stream.CreationTime,
            ["arn"] = $"{store.GroupArn(groupName)}:log-stream:{name}",
            ["storedBytes"] = stream.Events.Sum(e => (long)Encoding.UTF8.GetByteCount(e.Message)),
        };
        if (stream.Events.Count > 0)
        {
            json["firstEventTimestamp"] = stream.Events[0].Timestamp;
            json["lastEventTimestamp"] = stream.Events[^1].Timestamp;
        }

        if (stream.LastIngestionTime is { } ingested)
        {
            json["lastIngestionTime"] = ingested;
        }

        return json;
    }

    /// <summary>Read APIs take a name or an identifier (name or ARN); exactly one is needed.</summary>
    private static string GroupName(JsonObject request)
    {
        var name = request.OptionalString("logGroupName");
        var identifier = request.OptionalString("logGroupIdentifier");
        if (name is not null && identifier is not null)
        {
            throw new AwsServiceException("InvalidParameterException", "LogGroup name and LogGroup ARN are mutually exclusive parameters.");
        }

        if (identifier is not null)
        {
            var marker = identifier.IndexOf(":log-group:", StringComparison.Ordinal);
            return marker < 0 ? identifier : identifier[(marker + ":log-group:".Length)..].TrimEnd('*').TrimEnd(':');
        }

        return name ?? throw new AwsServiceException("InvalidParameterException", "Should provide either name or identifier.");
    }

    private static int ParseIndexToken(string? token) =>
        token is null ? 0
        : int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index
        : throw new AwsServiceException("InvalidParameterException", "The specified nextToken is invalid.");
}
