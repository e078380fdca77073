using System.Collections.Concurrent;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>
/// Decides whether a verified caller may make a request: the configured key is the account's administrator (as its
/// root would be) and is always allowed; a role session acts as its role, whose inline policies (and attached managed
/// ones, which resolve to no statements: managed policies are not stored) are evaluated with the keys AWS adds for
/// every request (<c>aws:PrincipalArn</c>, <c>aws:PrincipalAccount</c>, <c>aws:userid</c>). The engine behind
/// <see cref="RequestAuthorization"/>. Each decision for a role session goes to the <see cref="AuthorizationTrail"/>.
/// A role's policies are parsed once per IAM change (<see cref="IamStore.Generation"/>), not per request.
/// </summary>
internal sealed class CallerAuthorizer(IamStore iam, AuthorizationTrail? trail = null)
{
    /// <summary>Each role's policies as last parsed, with the store's generation then and the role's ARN (null: no such role).</summary>
    private readonly ConcurrentDictionary<string, RolePolicies> parsed = new(StringComparer.Ordinal);

    public (AccessDecision Decision, AccessRequest Request) Authorize(
        CallerIdentity caller, string action, string resource, IEnumerable<KeyValuePair<string, string>>? context = null)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var session = caller.Session;
        var account = caller.Arn.Split(':') is { Length: > 4 } parts ? parts[4] : string.Empty;
        var keys = (context ?? []).Concat(session is null ? [] :
        [
            KeyValuePair.Create("aws:PrincipalArn", session.RoleArn),
            KeyValuePair.Create("aws:PrincipalAccount", account),
            KeyValuePair.Create("aws:userid", caller.UserId),
        ]);
        var request = new AccessRequest(caller.Arn, action, resource, keys);
        if (session is null)
        {
            return (new AccessDecision(PolicyDecision.Allow), request);
        }

        var role = Policies(session.RoleName);
        var decision = IdentityPolicyEvaluator.EvaluateParsed(role.Arn == session.RoleArn ? role.Policies : [], request);
        trail?.Record(session.RoleArn, request, decision);
        return (decision, request);
    }

    /// <summary>
    /// The role's inline policies, parsed: again only after IAM changed (any change, so an edited, added or removed
    /// policy, or a role deleted and created again, counts from the very next request).
    /// </summary>
    private RolePolicies Policies(string roleName)
    {
        var generation = iam.Generation; // before the read: a change after it is seen by the next request
        if (parsed.TryGetValue(roleName, out var cached) && cached.Generation == generation)
        {
            return cached;
        }

        var (arn, documents) = iam.Read(state => state.Roles.GetValueOrDefault(roleName) is { } role
            ? (role.Arn, role.InlinePolicies.Select(p => new IdentityPolicy(p.Key, p.Value)).ToList())
            : ((string?)null, []));
        var fresh = new RolePolicies(generation, arn, [.. documents.Select(CompiledPolicy.Compile)]);
        parsed[roleName] = fresh;
        return fresh;
    }

    private sealed record RolePolicies(long Generation, string? Arn, IReadOnlyList<CompiledPolicy> Policies);
}
