using System.Collections.Concurrent;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>
/// The resource types the local CloudFormation can deploy: every <see cref="IResourceProvider"/> registered in the
/// container, plus providers added at run time (tests register stubs through <see cref="Register"/>).
/// </summary>
internal sealed class ResourceProviderRegistry
{
    private readonly ConcurrentDictionary<string, IResourceProvider> providers = new(StringComparer.Ordinal);

    public ResourceProviderRegistry(IEnumerable<IResourceProvider> registered)
    {
        foreach (var provider in registered)
        {
            Register(provider);
        }
    }

    /// <summary>Adds or replaces the provider of <see cref="IResourceProvider.ResourceType"/>.</summary>
    public void Register(IResourceProvider provider) => providers[provider.ResourceType] = provider;

    public IResourceProvider? Find(string resourceType) => providers.GetValueOrDefault(resourceType);

    public IReadOnlyCollection<string> ResourceTypes => providers.Keys.Order(StringComparer.Ordinal).ToList();
}
