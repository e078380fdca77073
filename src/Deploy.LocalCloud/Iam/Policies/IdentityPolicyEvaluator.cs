using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// Evaluates a caller's identity policies (inline and attached managed) for one request, with AWS's logic: a statement
/// applies when its <c>Action</c> (or <c>NotAction</c>), <c>Resource</c> (or <c>NotResource</c>) and <c>Condition</c>
/// all cover the request; an applying Deny in any policy wins, else an applying Allow allows, else the request is
/// implicitly denied. What cannot be evaluated fails closed: a statement with an unknown condition operator, a
/// malformed element or a variable without a value never allows, and a Deny with an unknown operator denies.
/// Resource policies, permission boundaries, session policies and SCPs are not part of this evaluation.
/// </summary>
internal static class IdentityPolicyEvaluator
{
    public static AccessDecision Evaluate(IEnumerable<IdentityPolicy> policies, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(policies);
        return EvaluateParsed(policies.Select(CompiledPolicy.Compile), request);
    }

    /// <summary>As above, with policies parsed beforehand (<see cref="CompiledPolicy"/>; lazily: the first Deny ends it).</summary>
    public static AccessDecision EvaluateParsed(IEnumerable<CompiledPolicy> policies, AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(request);
        AccessDecision? allow = null;
        foreach (var policy in policies)
        {
            foreach (var statement in policy.Statements)
            {
                var deny = string.Equals(statement.Effect, "Deny", StringComparison.Ordinal);
                var applies = Applies(statement, request);
                if (deny && applies != false)
                {
                    return new AccessDecision(PolicyDecision.ExplicitDeny, policy.Name, statement.Sid);
                }

                if (!deny && applies == true && string.Equals(statement.Effect, "Allow", StringComparison.Ordinal))
                {
                    allow ??= new AccessDecision(PolicyDecision.Allow, policy.Name, statement.Sid);
                }
            }
        }

        return allow ?? new AccessDecision(PolicyDecision.ImplicitDeny);
    }

    /// <summary>A policy's statements (one object or a list); a document that is not JSON has none.</summary>
    public static IReadOnlyList<JsonObject> Statements(string document)
    {
        try
        {
            return JsonNode.Parse(document)?["Statement"] switch
            {
                JsonArray array => array.OfType<JsonObject>().ToList(),
                JsonObject single => [single],
                _ => [],
            };
        }
        catch (JsonException)
        {
            return [];
        }
    }

    /// <summary>True/false, or null when the statement uses something not implemented or is malformed (fail closed).</summary>
    private static bool? Applies(CompiledStatement statement, AccessRequest request)
    {
        if (statement.Action is not { } action || statement.Resource is not { } resource)
        {
            return null;
        }

        // The resource only once the action is covered: most statements of a role are about other actions.
        return action.Covers(pattern => PolicyPatterns.ActionMatches(pattern, request.Action))
            && resource.Covers(pattern => PolicyPatterns.Substitute(pattern, request.Context) is { } resolved && PolicyPatterns.ArnMatches(resolved, request.Resource))
            ? PolicyConditions.Evaluate(statement.Conditions, request.Context)
            : false;
    }
}
