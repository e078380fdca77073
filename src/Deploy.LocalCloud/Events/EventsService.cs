using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Events;

/// <summary>EventBridge (JSON 1.1, <c>AWSEvents</c>), state only: rules on the default bus and their targets (nothing is delivered yet).</summary>
internal sealed class EventsService : IJsonApiService
{
    private static readonly string[] RuleMembers = ["EventPattern", "ScheduleExpression", "State", "Description", "RoleArn"];

    private readonly JsonStateFile<NamedItemsState> file;
    private readonly LocalCloudOptions options;
    private readonly JsonOperations operations;

    public EventsService(LocalCloudOptions options)
    {
        this.options = options;
        file = new JsonStateFile<NamedItemsState>(options.StateDirectory, "events.json");
        operations = new JsonOperations()
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
            try
            {
                _ = JsonNode.Parse(pattern) as JsonObject ?? throw new System.Text.Json.JsonException();
            }
            catch (System.Text.Json.JsonException)
            {
                throw new AwsServiceException("InvalidEventPatternException", "Event pattern is not valid. Reason: Filter is not an object");
            }
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

    private static JsonObject Find(NamedItemsState state, string name) =>
        state.Items.GetValueOrDefault(name)
        ?? throw new AwsServiceException("ResourceNotFoundException", $"Rule {name} does not exist on EventBus default.");
}
