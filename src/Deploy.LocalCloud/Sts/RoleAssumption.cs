using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Sts;

/// <summary>
/// AssumeRole's engine: the signed caller (the configured key's user, or a role session) must be named by the role's
/// trust policy as an <c>AWS</c> principal — its own ARN, its role's ARN for a session, or its account
/// (<c>arn:aws:iam::&lt;account&gt;:root</c> or the bare id) — with <c>sts:ExternalId</c> as condition key when given. AWS
/// also requires the caller's identity policies to allow <c>sts:AssumeRole</c> when the trust names the account; the local
/// cloud evaluates no identity policy, so the trust policy decides alone.
/// </summary>
internal sealed class RoleAssumption(RoleSessions roles, LocalCloudOptions options)
{
    public const string Action = "sts:AssumeRole";

    public TemporaryCredentials Assume(CallerIdentity caller, string roleArn, string sessionName, string? durationSeconds, string? externalId)
    {
        RoleSessions.ValidateSessionName(sessionName);
        var denied = () => RoleSessions.AccessDenied($"User: {caller.Arn} is not authorized to perform: {Action} on resource: {roleArn}");
        var role = roles.Role(roleArn, denied);
        var duration = RoleSessions.Duration(durationSeconds, role, chained: caller.Session is not null);

        var principals = new List<PolicyPrincipal>
        {
            new("AWS", caller.Arn),
            new("AWS", $"arn:aws:iam::{options.AccountId}:root"),
            new("AWS", options.AccountId),
        };
        if (caller.Session is { } session)
        {
            principals.Add(new("AWS", session.RoleArn));
        }

        var context = new List<KeyValuePair<string, string>>
        {
            new("aws:PrincipalArn", caller.Session?.RoleArn ?? caller.Arn),
            new("aws:PrincipalAccount", options.AccountId),
        };
        if (externalId is not null)
        {
            context.Add(new("sts:ExternalId", externalId));
        }

        return TrustPolicyEvaluator.Evaluate(role.AssumeRolePolicyDocument, new PolicyRequest(Action, principals, context)) == PolicyDecision.Allow
            ? roles.Issue(role, sessionName, duration)
            : throw denied();
    }
}
