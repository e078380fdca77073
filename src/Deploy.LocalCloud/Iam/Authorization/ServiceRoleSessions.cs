using System.Collections.Concurrent;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>A service could not act as a role: it may not assume it, or the role's policies deny what it does.</summary>
internal sealed class RoleSessionDeniedException(string message) : Exception(message);

/// <summary>
/// The local cloud's own actors acting as the role AWS would use: a pipeline action as the pipeline's role, a rule's
/// target as the rule's role. Like the AWS service, the actor first assumes the role (its trust policy must name the
/// service principal, e.g. <c>codepipeline.amazonaws.com</c>), then each thing it does is authorized as that session
/// (<see cref="CallerAuthorizer"/>, recorded in the trail). With enforcement off every check passes.
/// </summary>
internal sealed class ServiceRoleSessions(CallerAuthorizer authorizer, IamStore iam, LocalCloudOptions options)
{
    /// <summary>A session of <paramref name="roleArn"/> for <paramref name="servicePrincipal"/>; throws when the service may not assume it.</summary>
    public ServiceRoleSession Assume(string? roleArn, string servicePrincipal, string sessionName, string serviceName)
    {
        if (!options.EnforceIam)
        {
            return ServiceRoleSession.Unrestricted;
        }

        var unauthorized = new RoleSessionDeniedException(
            $"{serviceName} is not authorized to perform AssumeRole on role {roleArn ?? "(none: the resource has no role)"}");
        if (roleArn is null)
        {
            throw unauthorized;
        }

        var role = iam.Read(state => state.Roles.Values.FirstOrDefault(r => r.Arn == roleArn) is { } found
            ? (found.RoleId, found.AssumeRolePolicyDocument)
            : default((string RoleId, string AssumeRolePolicyDocument)?));
        var trust = role is null ? PolicyDecision.ImplicitDeny : TrustPolicyEvaluator.Evaluate(role.Value.AssumeRolePolicyDocument,
            new PolicyRequest("sts:AssumeRole", [new PolicyPrincipal("Service", servicePrincipal)], [KeyValuePair.Create("aws:SourceAccount", options.AccountId)]));
        if (trust != PolicyDecision.Allow)
        {
            throw unauthorized;
        }

        // No keys: the session never signs a request, it only names who is authorized.
        var session = new TemporaryCredentials(string.Empty, string.Empty, string.Empty, DateTimeOffset.MaxValue, roleArn, role!.Value.RoleId, sessionName);
        return new ServiceRoleSession(CallerIdentity.For(session, options.AccountId), authorizer);
    }
}

/// <summary>One actor's session of a role (or, with enforcement off, a session that may do anything).</summary>
internal sealed class ServiceRoleSession(CallerIdentity? caller = null, CallerAuthorizer? authorizer = null)
{
    /// <summary>What an actor runs as with enforcement off (and in tests of an action alone).</summary>
    public static ServiceRoleSession Unrestricted { get; } = new();

    /// <summary>The assumed-role ARN (<c>arn:aws:sts::…:assumed-role/R/S</c>), or null with enforcement off.</summary>
    public string? Arn => caller?.Arn;

    // What was allowed once is not asked again in this session: a polling actor (a build, a rollout) repeats its calls.
    private readonly ConcurrentDictionary<string, bool> allowed = new(StringComparer.Ordinal);

    /// <summary>Throws <see cref="RoleSessionDeniedException"/> with AWS's message when the role may not do this.</summary>
    public void Require(string action, string resource, params KeyValuePair<string, string>[] context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var key = string.Join('\n', [action, resource, .. context.Select(c => $"{c.Key}={c.Value}")]);
        if (caller is null || authorizer is null || allowed.ContainsKey(key))
        {
            return;
        }

        var (decision, request) = authorizer.Authorize(caller, action, resource, context);
        if (!decision.IsAllowed)
        {
            throw new RoleSessionDeniedException(decision.DenialMessage(request));
        }

        allowed[key] = true;
    }
}
