using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Iam;

/// <summary>AWS::IAM::Role with inline Policies and ManagedPolicyArns (stored in IAM, not enforced).</summary>
internal sealed class IamRoleProvider(IamStore store) : IResourceProvider
{
    public string ResourceType => "AWS::IAM::Role";

    public IReadOnlySet<string> ReplacementProperties { get; } = new HashSet<string>(StringComparer.Ordinal) { "RoleName", "Path", "PermissionsBoundary" };

    public IReadOnlySet<string> AttributeNames { get; } = new HashSet<string>(StringComparer.Ordinal) { "Arn", "RoleId" };

    public Task<ProvisionedResource> CreateAsync(ResourceRequest request, CancellationToken cancellationToken)
    {
        var name = request.String("RoleName") ?? request.PhysicalName(64);
        var trust = request.Properties["AssumeRolePolicyDocument"] ?? throw new ResourceProviderException("Property validation failure: [The property {/AssumeRolePolicyDocument} is required]");
        var role = store.CreateRole(name, request.String("Path") ?? "/", Document(trust), request.String("Description"), request.Integer("MaxSessionDuration"));
        store.Update(state =>
        {
            ApplyPolicies(IamStore.Role(state, name), request);
            return true;
        });
        return Task.FromResult(Result(role));
    }

    public Task<ProvisionedResource> UpdateAsync(ResourceRequest request, ProvisionedResource previous, JsonObject previousProperties, CancellationToken cancellationToken)
    {
        var role = store.Update(state =>
        {
            var role = IamStore.Role(state, previous.PhysicalId);
            role.AssumeRolePolicyDocument = Document(request.Properties["AssumeRolePolicyDocument"]);
            role.Description = request.String("Description");
            role.MaxSessionDuration = request.Integer("MaxSessionDuration") ?? 3600;
            ApplyPolicies(role, request);
            return role;
        });
        return Task.FromResult(Result(role));
    }

    public Task DeleteAsync(ResourceRequest request, ProvisionedResource current, CancellationToken cancellationToken)
    {
        store.Update(state => state.Roles.Remove(current.PhysicalId));
        return Task.CompletedTask;
    }

    private static void ApplyPolicies(RoleRecord role, ResourceRequest request)
    {
        role.InlinePolicies.Clear();
        foreach (var policy in request.Properties["Policies"] as JsonArray ?? [])
        {
            var name = policy?["PolicyName"]?.GetValue<string>() ?? throw new ResourceProviderException("Property validation failure: [The property {/Policies/PolicyName} is required]");
            role.InlinePolicies[name] = Document(policy["PolicyDocument"]);
        }

        role.AttachedPolicyArns = (request.Properties["ManagedPolicyArns"] as JsonArray ?? []).Select(a => a!.GetValue<string>()).ToList();
        foreach (var arn in role.AttachedPolicyArns.Where(a => !a.StartsWith("arn:aws:iam::", StringComparison.Ordinal)))
        {
            throw new AwsServiceException("InvalidInput", $"ARN {arn} is not valid.");
        }
    }

    private static string Document(JsonNode? node) => node switch
    {
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        null => throw new ResourceProviderException("Property validation failure: [The property {/AssumeRolePolicyDocument} is required]"),
        _ => node.ToJsonString(),
    };

    private static ProvisionedResource Result(RoleRecord role) =>
        ProvisionedResource.Of(role.RoleName, ("Arn", role.Arn), ("RoleId", role.RoleId));
}
