using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// Creates, updates and deletes one CloudFormation resource type in the local cloud's services. The engine resolves
/// every intrinsic function first, so providers see plain JSON properties (template names, e.g. <c>RepositoryName</c>).
/// Register with <c>services.AddSingleton&lt;IResourceProvider, MyProvider&gt;()</c> in <c>LocalCloudApplication</c>.
/// Throw <see cref="ResourceProviderException"/> (or <see cref="Protocols.AwsServiceException"/>) to fail the
/// operation: its message becomes the resource's <c>ResourceStatusReason</c> and the stack rolls back.
/// </summary>
internal interface IResourceProvider
{
    /// <summary>The template type, e.g. <c>AWS::ECR::Repository</c>.</summary>
    string ResourceType { get; }

    /// <summary>
    /// Top-level properties whose change needs a new physical resource (AWS's "Update requires: Replacement"),
    /// e.g. a name. Every other property is updated in place through <see cref="UpdateAsync"/>.
    /// </summary>
    IReadOnlySet<string> ReplacementProperties { get; }

    /// <summary>
    /// Names the engine may answer for <c>Fn::GetAtt</c> (validated when a template is submitted); the values come
    /// from <see cref="ProvisionedResource.Attributes"/>.
    /// </summary>
    IReadOnlySet<string> AttributeNames { get; }

    /// <summary>Creates the resource; returns its physical id (what <c>Ref</c> answers) and its attributes.</summary>
    Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Changes an existing resource in place (no replacement property changed). <paramref name="request"/> carries the
    /// new properties; <paramref name="previous"/> what was applied before. Returns the (possibly unchanged) physical id
    /// and the current attributes. The engine also calls this with old and new swapped to roll a failed update back.
    /// </summary>
    Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken);

    /// <summary>Deletes the resource. A resource that is already gone must not fail (deletes are retried by rollbacks).</summary>
    Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken);
}

/// <summary>
/// One resource operation: the resolved properties and the stack context. <see cref="PhysicalName"/> generates
/// the name AWS would give a resource whose name property is not set (<c>stack-Logical-RANDOM</c>).
/// </summary>
internal sealed record ResourceRequest(
    string LogicalId,
    string ResourceType,
    JsonObject Properties,
    string StackName,
    string StackId,
    string Region,
    string AccountId)
{
    /// <summary>A property as string, or null when absent.</summary>
    public string? String(string name) => Properties[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        var node => node.ToJsonString(),
    };

    /// <summary>A required property as string; missing → the provider fails with CloudFormation's wording.</summary>
    public string RequiredString(string name) =>
        String(name) ?? throw new ResourceProviderException($"Property validation failure: [The property {{/{name}}} is required]");

    public bool? Boolean(string name) => Properties[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<bool>(out var flag) => flag,
        JsonValue value when value.TryGetValue<string>(out var text) && bool.TryParse(text, out var parsed) => parsed,
        _ => throw new ResourceProviderException($"Property validation failure: [Value of property {{/{name}}} does not match type {{Boolean}}]"),
    };

    public int? Integer(string name) => Properties[name] switch
    {
        null => null,
        JsonValue value when value.TryGetValue<int>(out var number) => number,
        JsonValue value when value.TryGetValue<string>(out var text) && int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => throw new ResourceProviderException($"Property validation failure: [Value of property {{/{name}}} does not match type {{Integer}}]"),
    };

    /// <summary>
    /// The name CloudFormation generates when the template sets none: <c>{stack}-{logicalId}-{12 random}</c>, cut to
    /// <paramref name="maxLength"/>, lower-cased when the service requires it (S3 buckets, ECR repositories).
    /// </summary>
    public string PhysicalName(int maxLength = 64, bool lowerCase = false)
    {
        var suffix = Convert.ToHexString(Guid.NewGuid().ToByteArray())[..12];
        var head = $"{StackName}-{LogicalId}";
        var room = maxLength - suffix.Length - 1;
        var name = (head.Length > room ? head[..room] : head) + "-" + suffix;
        return lowerCase ? name.ToLowerInvariant() : name;
    }
}

/// <summary>What a provider made: the physical id (the value of <c>Ref</c>) and the <c>Fn::GetAtt</c> attributes.</summary>
internal sealed record ProvisionedResource(string PhysicalId, IReadOnlyDictionary<string, JsonNode?> Attributes)
{
    public static ProvisionedResource Of(string physicalId, params (string Name, JsonNode? Value)[] attributes) =>
        new(physicalId, attributes.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal));
}

/// <summary>A resource operation failed; the message becomes the ResourceStatusReason shown in stack events.</summary>
internal sealed class ResourceProviderException(string message) : Exception(message);
