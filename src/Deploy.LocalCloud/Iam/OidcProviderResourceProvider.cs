using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Drift;

namespace Deploy.LocalCloud.Iam;

/// <summary>
/// <c>AWS::IAM::OIDCProvider</c>: <c>Url</c> (a new one replaces the provider), <c>ClientIdList</c>, <c>ThumbprintList</c>
/// and <c>Tags</c> updated in place. Ref and <c>Fn::GetAtt Arn</c> are the provider's ARN.
/// </summary>
internal sealed class OidcProviderResourceProvider(OpenIdConnectProviders providers) : IResourceProvider
{
    public string ResourceType => "AWS::IAM::OIDCProvider";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "Url" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var provider = providers.Create(request.RequiredString("Url"), Strings(request, "ClientIdList"), Strings(request, "ThumbprintList"), Tags(request));
        return Task.FromResult(ProvisionedResource.Of(provider.Arn, ("Arn", provider.Arn)));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var provider = providers.Change(previous.PhysicalId, p =>
        {
            p.ClientIds = [.. Strings(request, "ClientIdList").Distinct(StringComparer.Ordinal)];
            p.Thumbprints = [.. Strings(request, "ThumbprintList").Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
            p.Tags = Tags(request);
        });
        return Task.FromResult(ProvisionedResource.Of(provider.Arn, ("Arn", provider.Arn)));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        providers.Delete(current.PhysicalId);
        return Task.CompletedTask;
    }

    private static List<string> Strings(ResourceRequest request, string name) =>
        [.. (request.Properties[name] as JsonArray ?? []).Select(item => item?.GetValue<string>() ?? string.Empty)];

    private static List<IamTag> Tags(ResourceRequest request) =>
        [.. (request.Properties["Tags"] as JsonArray ?? []).Select(tag => new IamTag(
            tag?["Key"]?.GetValue<string>() ?? throw new ResourceProviderException("Property validation failure: [The property {/Tags/Key} is required]"),
            tag["Value"]?.GetValue<string>() ?? string.Empty))];
}

/// <summary>Drift of an OIDC provider: its URL, audiences and thumbprints; gone when IAM no longer has the ARN.</summary>
internal sealed class OidcProviderDriftReader(IamStore store) : IResourceDriftReader
{
    public string ResourceType => "AWS::IAM::OIDCProvider";

    public JsonObject? ReadActual(string physicalId, JsonObject expected) => store.Read(state =>
        state.OpenIdConnectProviders.GetValueOrDefault(physicalId) is { } provider
            ? new JsonObject
            {
                ["Url"] = provider.Url,
                ["ClientIdList"] = new JsonArray([.. provider.ClientIds.Select(id => (JsonNode)id)]),
                ["ThumbprintList"] = new JsonArray([.. provider.Thumbprints.Select(t => (JsonNode)t)]),
            }
            : null);
}
