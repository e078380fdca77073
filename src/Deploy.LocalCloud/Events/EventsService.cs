using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Events;

/// <summary>EventBridge (JSON 1.1, <c>AWSEvents</c>): rules on the default bus and their targets, PutEvents onto the
/// <see cref="IEventBus"/> (which matches and delivers), TestEventPattern with the same matcher.</summary>
internal sealed class EventsService : IJsonApiService
{
    private static readonly string[] RequiredEventFields = ["id", "account", "source", "time", "region", "detail-type"];
    private static readonly string[] RuleMembers = ["EventPattern", "ScheduleExpression", "State", "Description", "RoleArn"];

    private readonly EventsStore file;
    private readonly LocalCloudOptions options;
    private readonly IEventBus bus;
    private readonly JsonOperations operations;

    public EventsService(LocalCloudOptions options, EventsStore store, IEventBus bus)
    {
        this.options = options;
        this.bus = bus;
        file = store;
        operations = new JsonOperations()
            .Add("PutEvents", PutEvents)
            .Add("TestEventPattern", TestEventPattern)
            .Add("PutRule", PutRule)
            .Add("DescribeRule", DescribeRule)
            .Add("DeleteRule", DeleteRule)
            .Add("PutTargets", PutTargets)
            .Add("RemoveTargets", RemoveTargets)
            .Add("ListTargetsByRule", ListTargetsByRule);
    }

    public string TargetPrefix => "AWSEvents";

    public string SigningName => "events";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private JsonObject PutRule(JsonObject request)
    {
        var name = request.RequiredString("Name");
        Bus(request);
        if (request.OptionalString("EventPattern") is null && request.OptionalString("ScheduleExpression") is null)
        {
            throw new AwsServiceException("ValidationException", "Parameter(s) EventPattern or ScheduleExpression must be specified.");
        }

        if (request.OptionalString("EventPattern") is { } pattern)
        {
            _ = EventPattern.Parse(pattern);
        }

        if (request.OptionalString("State") is { } ruleState && ruleState is not ("ENABLED" or "DISABLED"))
        {
            throw new AwsServiceException("ValidationException", $"1 validation error detected: Value '{ruleState}' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]");
        }

        var arn = $"arn:aws:events:{options.Region}:{options.AccountId}:rule/{name}";
        file.Update(state =>
        {
            var rule = state.Items.GetValueOrDefault(name) ?? new JsonObject { ["Name"] = name, ["Arn"] = arn, ["EventBusName"] = "default", ["Targets"] = new JsonArray() };
            foreach (var member in RuleMembers)
            {
                rule.Remove(member);
                if (request[member] is { } value)
                {
                    rule[member] = value.DeepClone();
                }
            }

            rule["State"] ??= "ENABLED";
            state.Items[name] = rule;
            return true;
        });
        return new JsonObject { ["RuleArn"] = arn };
    }

    private JsonObject DescribeRule(JsonObject request)
    {
        var name = request.RequiredString("Name");
        Bus(request);
        return file.Read(state =>
        {
            var rule = Find(state, name).DeepClone().AsObject();
            rule.Remove("Targets");
            rule["CreatedBy"] = options.AccountId;
            return rule;
        });
    }

    private JsonObject DeleteRule(JsonObject request)
    {
        var name = request.RequiredString("Name");
        file.Update(state =>
        {
            if (state.Items.GetValueOrDefault(name) is { } rule && rule["Targets"] is JsonArray { Count: > 0 })
            {
                throw new AwsServiceException("ValidationException", "Rule can't be deleted since it has targets.");
            }

            return state.Items.Remove(name);
        });
        return [];
    }

    private JsonObject PutTargets(JsonObject request)
    {
        var name = request.RequiredString("Rule");
        Bus(request);
        var targets = request.OptionalArray("Targets") ?? throw AwsServiceException.Validation("targets");
        file.Update(state =>
        {
            var existing = (JsonArray)Find(state, name)["Targets"]!;
            foreach (var target in targets.OfType<JsonObject>())
            {
                var id = target.RequiredString("Id");
                _ = target.RequiredString("Arn");
                TargetInput.Validate(target);
                var same = existing.FirstOrDefault(t => t!["Id"]!.GetValue<string>() == id);
                if (same is not null)
                {
                    existing.Remove(same);
                }

                existing.Add(target.DeepClone());
            }

            return true;
        });
        return new JsonObject { ["FailedEntryCount"] = 0, ["FailedEntries"] = new JsonArray() };
    }

    private JsonObject RemoveTargets(JsonObject request)
    {
        var name = request.RequiredString("Rule");
        var ids = request.OptionalStringList("Ids");
        file.Update(state =>
        {
            var existing = (JsonArray)Find(state, name)["Targets"]!;
            foreach (var target in existing.Where(t => ids.Contains(t!["Id"]!.GetValue<string>())).ToList())
            {
                existing.Remove(target);
            }

            return true;
        });
        return new JsonObject { ["FailedEntryCount"] = 0, ["FailedEntries"] = new JsonArray() };
    }

    private JsonObject ListTargetsByRule(JsonObject request)
    {
        var name = request.RequiredString("Rule");
        Bus(request);
        return file.Read(state => new JsonObject { ["Targets"] = Find(state, name)["Targets"]!.DeepClone() });
    }

    private static void Bus(JsonObject request)
    {
        if (request.OptionalString("EventBusName") is { } bus && bus != "default" && !bus.EndsWith(":event-bus/default", StringComparison.Ordinal))
        {
            throw new AwsServiceException("ResourceNotFoundException", $"Event bus {bus} does not exist.");
        }
    }

    private JsonObject PutEvents(JsonObject request)
    {
        var entries = request.OptionalArray("Entries") ?? throw AwsServiceException.Validation("entries");
        if (entries.Count is 0 or > 10)
        {
            throw new AwsServiceException("ValidationException", $"1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and 10");
        }

        var results = new JsonArray();
        var failed = 0;
        foreach (var entry in entries.OfType<JsonObject>())
        {
            var (code, message) = EntryError(entry);
            if (code is not null)
            {
                failed++;
                results.Add(new JsonObject { ["ErrorCode"] = code, ["ErrorMessage"] = message });
                continue;
            }

            var time = entry["Time"]?.GetValueKind() == System.Text.Json.JsonValueKind.Number
                ? DateTimeOffset.FromUnixTimeMilliseconds((long)(entry["Time"]!.GetValue<double>() * 1000))
                : (DateTimeOffset?)null;
            var id = bus.Publish(new BusEvent(
                entry.RequiredString("Source"),
                entry.RequiredString("DetailType"),
                JsonNode.Parse(entry.RequiredString("Detail"))!.AsObject(),
                entry.OptionalStringList("Resources"),
                time));
            results.Add(new JsonObject { ["EventId"] = id });
        }

        return new JsonObject { ["FailedEntryCount"] = failed, ["Entries"] = results };
    }

    /// <summary>PutEvents reports a bad entry in its result entry, not as an error of the call.</summary>
    private static (string? Code, string? Message) EntryError(JsonObject entry)
    {
        if (entry.OptionalString("EventBusName") is { } bus && bus != "default" && !bus.EndsWith(":event-bus/default", StringComparison.Ordinal))
        {
            return ("InternalException", $"Event bus {bus} does not exist.");
        }

        foreach (var member in new[] { "Source", "DetailType", "Detail" })
        {
            if (string.IsNullOrEmpty(entry.OptionalString(member)))
            {
                return ("InvalidArgument", $"Parameter {member} is not valid. Reason: {member} is a required argument.");
            }
        }

        if (entry.RequiredString("Source").StartsWith("aws.", StringComparison.Ordinal))
        {
            return ("NotAuthorizedForSourceException", "Not authorized for the source.");
        }

        try
        {
            return JsonNode.Parse(entry.RequiredString("Detail")) is JsonObject ? (null, null) : ("MalformedDetail", "Detail is malformed.");
        }
        catch (System.Text.Json.JsonException)
        {
            return ("MalformedDetail", "Detail is malformed.");
        }
    }

    private JsonObject TestEventPattern(JsonObject request)
    {
        var pattern = EventPattern.Parse(request.RequiredString("EventPattern"));
        JsonObject? candidate;
        try
        {
            candidate = JsonNode.Parse(request.RequiredString("Event")) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            candidate = null;
        }

        if (candidate is null)
        {
            throw new AwsServiceException("ValidationException", "Parameter Event is not valid. Reason: the event is not a JSON object.");
        }

        var missing = RequiredEventFields.Where(f => candidate[f] is null).ToList();
        if (missing.Count > 0)
        {
            throw new AwsServiceException("ValidationException", $"Parameter Event is not valid. Reason: Provided Event must have the fields {string.Join(", ", missing)}.");
        }

        return new JsonObject { ["Result"] = pattern.Matches(candidate) };
    }

    private static JsonObject Find(State.NamedItemsState state, string name) =>
        state.Items.GetValueOrDefault(name)
        ?? throw new AwsServiceException("ResourceNotFoundException", $"Rule {name} does not exist on EventBus default.");
}
