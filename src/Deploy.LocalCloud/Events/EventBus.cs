using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.Events;

/// <summary>An event to put on the default bus (what PutEvents' entry and AWS services' own events carry).</summary>
internal sealed record BusEvent(string Source, string DetailType, JsonObject Detail, IReadOnlyList<string> Resources, DateTimeOffset? Time = null);

/// <summary>The default event bus: in-process publishing for the local cloud's services and PutEvents.</summary>
internal interface IEventBus
{
    /// <summary>Puts the event on the bus, matches every enabled rule and starts delivery to their targets; returns the event id.</summary>
    string Publish(BusEvent entry);
}

/// <summary>
/// Matches each published event against every ENABLED rule of the default bus with an event pattern, and hands each
/// matching rule's targets to the <see cref="IEventTarget"/> for the ARN's service with the input the target is configured
/// to receive (<see cref="TargetInput"/>), in the background (delivery never blocks or fails the publisher, as in EventBridge);
/// each delivery counts in <see cref="RuleInvocations"/>, a failed one as a failed invocation.
/// </summary>
internal sealed partial class EventBus(
    EventsStore store, LocalCloudOptions options, TimeProvider clock, IServiceProvider services, RuleInvocations invocations, ILogger<EventBus> logger) : IEventBus
{
    // Resolved on first use: targets (CodePipeline) publish events themselves, so they cannot be constructor dependencies.
    private readonly Lazy<IReadOnlyDictionary<string, IEventTarget>> targets = new(() =>
        services.GetServices<IEventTarget>().ToDictionary(t => t.Service, StringComparer.Ordinal));

    public string Publish(BusEvent entry)
    {
        var id = Guid.NewGuid().ToString();
        var ingestedAt = clock.GetUtcNow();
        var envelope = new JsonObject
        {
            ["version"] = "0",
            ["id"] = id,
            ["detail-type"] = entry.DetailType,
            ["source"] = entry.Source,
            ["account"] = options.AccountId,
            ["time"] = (entry.Time ?? clock.GetUtcNow()).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["region"] = options.Region,
            ["resources"] = new JsonArray([.. entry.Resources.Select(r => (JsonNode?)r)]),
            ["detail"] = entry.Detail.DeepClone(),
        };
        foreach (var (ruleArn, target) in MatchingTargets(envelope))
        {
            _ = DeliverAsync(ruleArn, target, (JsonObject)envelope.DeepClone(), ingestedAt);
        }

        return id;
    }

    private List<(string RuleArn, JsonObject Target)> MatchingTargets(JsonObject envelope) => store.Read(state =>
    {
        var deliveries = new List<(string, JsonObject)>();
        foreach (var rule in state.Items.Values)
        {
            if (rule["State"]?.GetValue<string>() != "ENABLED" || rule["EventPattern"]?.GetValue<string>() is not { } text)
            {
                continue;
            }

            EventPattern pattern;
            try
            {
                pattern = EventPattern.Parse(text);
            }
            catch (Protocols.AwsServiceException)
            {
                continue; // stored before patterns were validated
            }

            if (pattern.Matches(envelope))
            {
                var ruleArn = rule["Arn"]!.GetValue<string>();
                deliveries.AddRange((rule["Targets"] as JsonArray ?? []).OfType<JsonObject>().Select(target => (ruleArn, (JsonObject)target.DeepClone())));
            }
        }

        return deliveries;
    });

    private async Task DeliverAsync(string ruleArn, JsonObject targetSettings, JsonObject envelope, DateTimeOffset ingestedAt)
    {
        await Task.Yield();
        var arn = targetSettings["Arn"]?.GetValue<string>() ?? string.Empty;
        var parts = arn.Split(':');
        var service = parts.Length > 2 ? parts[2] : string.Empty;
        if (!targets.Value.TryGetValue(service, out var target))
        {
            LogUndeliverable(logger, ruleArn, arn, service);
            invocations.Failed(ruleArn, $"The local cloud does not deliver to {service} targets.");
            return;
        }

        try
        {
            // The input is made here, for every target kind, as EventBridge does before it invokes the target.
            var input = TargetInput.Render(targetSettings, envelope, ruleArn, ingestedAt);
            await target.DeliverAsync(new EventDelivery(ruleArn, targetSettings, envelope, input), CancellationToken.None);
            invocations.Succeeded(ruleArn);
        }
        catch (RoleSessionDeniedException denied)
        {
            // The rule's role may not do what the target needs: a failed invocation, with AWS's reason, no stack trace.
            LogDeliveryDenied(logger, ruleArn, arn, denied.Message);
            invocations.Failed(ruleArn, denied.Message);
        }
#pragma warning disable CA1031 // a failed delivery is dropped after logging, as EventBridge drops it after its retries
        catch (Exception failure)
#pragma warning restore CA1031
        {
            LogDeliveryFailed(logger, failure, ruleArn, arn);
            invocations.Failed(ruleArn, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {Rule}: target {Target} is a {Service} ARN, which the local cloud does not deliver to")]
    private static partial void LogUndeliverable(ILogger logger, string rule, string target, string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {Rule}: delivery to {Target} failed: {Reason}")]
    private static partial void LogDeliveryDenied(ILogger logger, string rule, string target, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rule {Rule}: delivery to {Target} failed")]
    private static partial void LogDeliveryFailed(ILogger logger, Exception failure, string rule, string target);
}
