using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Sns;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Chatbot;

/// <summary>
/// AWS::Chatbot::SlackChannelConfiguration, recorded only (<c>chatbot.json</c>): the configuration is checked as
/// CloudFormation's schema checks it and stored with its properties, but nothing is sent to Slack and the topics get no
/// Chatbot subscription. Ref and GetAtt Arn are the configuration's ARN, as in AWS.
/// </summary>
internal sealed partial class SlackChannelConfigurationProvider(LocalCloudOptions options, SnsStore sns) : IResourceProvider
{
    private readonly JsonStateFile<NamedItemsState> file = new(options.StateDirectory, "chatbot.json");

    public string ResourceType => "AWS::Chatbot::SlackChannelConfiguration";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "ConfigurationName", "SlackWorkspaceId" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = Validate(request);
        var arn = $"arn:aws:chatbot::{options.AccountId}:chat-configuration/slack-channel/{name}";
        file.Update(state =>
        {
            if (state.Items.ContainsKey(arn))
            {
                throw new ResourceProviderException($"A Slack channel configuration named {name} already exists.");
            }

            state.Items[arn] = Record(arn, request.Properties);
            return true;
        });
        return Task.FromResult(ProvisionedResource.Of(arn, ("Arn", arn)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        Validate(request);
        file.Update(state => state.Items[previous.PhysicalId] = Record(previous.PhysicalId, request.Properties));
        return Task.FromResult(ProvisionedResource.Of(previous.PhysicalId, ("Arn", previous.PhysicalId)));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        file.Update(state => state.Items.Remove(current.PhysicalId));
        return Task.CompletedTask;
    }

    private string Validate(ResourceRequest request)
    {
        var name = request.RequiredString("ConfigurationName");
        Check("ConfigurationName", name, ConfigurationName());
        Check("SlackChannelId", request.RequiredString("SlackChannelId"), SlackChannelId());
        Check("SlackWorkspaceId", request.RequiredString("SlackWorkspaceId"), SlackWorkspaceId());
        _ = request.RequiredString("IamRoleArn");
        if (request.String("LoggingLevel") is { } level && level is not ("ERROR" or "INFO" or "NONE"))
        {
            throw new ResourceProviderException($"Property validation failure: [#/LoggingLevel: {level} is not a valid enum value (ERROR, INFO, NONE)]");
        }

        foreach (var topic in (request.Properties["SnsTopicArns"] as JsonArray ?? []).Select(t => t?.ToString() ?? string.Empty))
        {
            if (!sns.Read(state => state.Topics.ContainsKey(topic)))
            {
                throw new ResourceProviderException($"SNS topic {topic} does not exist.");
            }
        }

        return name;
    }

    private static void Check(string property, string value, Regex pattern)
    {
        if (!pattern.IsMatch(value))
        {
            throw new ResourceProviderException($"Property validation failure: [#/{property}: failed validation constraint for keyword [pattern] ({pattern})]");
        }
    }

    private static JsonObject Record(string arn, JsonObject properties) => new()
    {
        ["Arn"] = arn,
        ["Properties"] = properties.DeepClone(),
    };

    [GeneratedRegex("^[A-Za-z0-9-_]{1,128}$")]
    private static partial Regex ConfigurationName();

    [GeneratedRegex("^[A-Za-z0-9]{1,256}$")]
    private static partial Regex SlackChannelId();

    [GeneratedRegex("^[0-9A-Z]{1,255}$")]
    private static partial Regex SlackWorkspaceId();
}
