using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Kms;

/// <summary>
/// AWS::KMS::Key, recorded only (<c>kms.json</c>): the local cloud has no KMS API and encrypts nothing; a key keeps its
/// properties (policy, rotation, description) so that what references it (an SNS topic's KmsMasterKeyId) resolves as in
/// AWS. Ref = the key id, GetAtt Arn and KeyId. Deleting schedules the deletion after PendingWindowInDays, as KMS does.
/// </summary>
internal sealed class KmsKeyProvider(LocalCloudOptions options, TimeProvider clock) : IResourceProvider
{
    private readonly JsonStateFile<NamedItemsState> file = new(options.StateDirectory, "kms.json");

    public string ResourceType => "AWS::KMS::Key";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "KeySpec", "KeyUsage", "MultiRegion", "Origin" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn", "KeyId" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid().ToString();
        var arn = $"arn:aws:kms:{options.Region}:{options.AccountId}:key/{id}";
        file.Update(state => state.Items[id] = Record(id, arn, request.Properties));
        return Task.FromResult(Result(id, arn));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var arn = previous.Attributes["Arn"]!.GetValue<string>();
        file.Update(state => state.Items[previous.PhysicalId] = Record(previous.PhysicalId, arn, request.Properties));
        return Task.FromResult(Result(previous.PhysicalId, arn));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        var days = request.Integer("PendingWindowInDays") ?? 30;
        file.Update(state =>
        {
            if (state.Items.GetValueOrDefault(current.PhysicalId) is { } key)
            {
                key["KeyState"] = "PendingDeletion";
                key["DeletionDate"] = clock.GetUtcNow().AddDays(days).ToString("O", CultureInfo.InvariantCulture);
            }

            return true;
        });
        return Task.CompletedTask;
    }

    private static JsonObject Record(string id, string arn, JsonObject properties) => new()
    {
        ["KeyId"] = id,
        ["Arn"] = arn,
        ["KeyState"] = "Enabled",
        ["Properties"] = properties.DeepClone(),
    };

    private static ProvisionedResource Result(string id, string arn) => ProvisionedResource.Of(id, ("Arn", arn), ("KeyId", id));
}
