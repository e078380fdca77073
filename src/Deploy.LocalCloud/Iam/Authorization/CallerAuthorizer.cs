using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>
/// Decides whether a verified caller may make a request: the configured key is the account's administrator (as its
/// root would be) and is always allowed; a role session acts as its role, whose inline policies (and attached managed
/// ones, which resolve to no statements: managed policies are not stored) are evaluated with the keys AWS adds for
/// every request (<c>aws:PrincipalArn</c>, <c>aws:PrincipalAccount</c>, <c>aws:userid</c>). The engine behind
/// <see cref="RequestAuthorization"/>. Each decision for a role session goes to the <see cref="AuthorizationTrail"/>.
/// </summary>
internal sealed class CallerAuthorizer(IamStore iam, AuthorizationTrail? trail = null)
{
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

        var policies = iam.Read(state => state.Roles.GetValueOrDefault(session.RoleName) is { } role && role.Arn == session.RoleArn
            ? role.InlinePolicies.Select(p => new IdentityPolicy(p.Key, p.Value)).ToList()
            : []);
        var decision = IdentityPolicyEvaluator.Evaluate(policies, request);
        trail?.Record(session.RoleArn, request, decision);
        return (decision, request);
    }
}
