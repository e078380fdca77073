using System.Net;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Iam;

/// <summary>IAM roles and their policies, and OIDC providers, stored (role policies are not enforced per action; trust policies
/// are evaluated when a role is assumed, see <c>Iam/Policies</c>).</summary>
internal sealed class IamStore(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<IamState> file = new(options.StateDirectory, "iam.json");

    private long generation;

    /// <summary>
    /// Bumped after every change (also a failed one, which is rolled back): what was derived from the state (parsed
    /// policies, <see cref="Authorization.CallerAuthorizer"/>) is current while this has not moved. Read it before the
    /// state it derives from, so a change in between is never missed.
    /// </summary>
    public long Generation => Interlocked.Read(ref generation);

    public TResult Read<TResult>(Func<IamState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<IamState, TResult> change)
    {
        try
        {
            return file.Update(change);
        }
        finally
        {
            Interlocked.Increment(ref generation);
        }
    }

    public static RoleRecord Role(IamState state, string name) =>
        state.Roles.GetValueOrDefault(name)
        ?? throw new AwsServiceException("NoSuchEntity", $"The role with name {name} cannot be found.", HttpStatusCode.NotFound);

    public RoleRecord CreateRole(string name, string path, string assumeRolePolicy, string? description, int? maxSessionDuration) => Update(state =>
    {
        if (state.Roles.ContainsKey(name))
        {
            throw new AwsServiceException("EntityAlreadyExists", $"Role with name {name} already exists.", HttpStatusCode.Conflict);
        }

        var role = new RoleRecord
        {
            RoleName = name,
            Path = path,
            RoleId = "AROA" + Convert.ToHexString(Guid.NewGuid().ToByteArray())[..17],
            Arn = $"arn:aws:iam::{options.AccountId}:role{path}{name}",
            CreateDate = clock.GetUtcNow(),
            AssumeRolePolicyDocument = assumeRolePolicy,
            Description = description,
            MaxSessionDuration = maxSessionDuration ?? 3600,
        };
        state.Roles[name] = role;
        return role;
    });
}

internal sealed class IamState
{
    public Dictionary<string, RoleRecord> Roles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>OpenID Connect providers by ARN (<see cref="OpenIdConnectProviders"/>).</summary>
    public Dictionary<string, OpenIdConnectProviderRecord> OpenIdConnectProviders { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class RoleRecord
{
    public required string RoleName { get; set; }

    public required string RoleId { get; set; }

    public required string Arn { get; set; }

    public string Path { get; set; } = "/";

    public DateTimeOffset CreateDate { get; set; }

    public required string AssumeRolePolicyDocument { get; set; }

    public string? Description { get; set; }

    public int MaxSessionDuration { get; set; } = 3600;

    public Dictionary<string, string> InlinePolicies { get; set; } = new(StringComparer.Ordinal);

    public List<string> AttachedPolicyArns { get; set; } = [];
}
