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
        ArgumentNullException.ThrowIfNull(request);
        AccessDecision? allow = null;
        foreach (var policy in policies)
        {
            foreach (var statement in Statements(policy.Document))
            {
                var deny = string.Equals(statement["Effect"]?.ToString(), "Deny", StringComparison.Ordinal);
                var applies = Applies(statement, request);
                if (deny && applies != false)
                {
                    return new AccessDecision(PolicyDecision.ExplicitDeny, policy.Name, statement["Sid"]?.ToString());
                }

                if (!deny && applies == true && string.Equals(statement["Effect"]?.ToString(), "Allow", StringComparison.Ordinal))
                {
                    allow ??= new AccessDecision(PolicyDecision.Allow, policy.Name, statement["Sid"]?.ToString());
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
    private static bool? Applies(JsonObject statement, AccessRequest request)
    {
        var action = Covers(statement, "Action", "NotAction", pattern => PolicyPatterns.ActionMatches(pattern, request.Action));
        var resource = Covers(statement, "Resource", "NotResource", pattern =>
            PolicyPatterns.Substitute(pattern, request.Context) is { } resolved && PolicyPatterns.ArnMatches(resolved, request.Resource));
        if (action is null || resource is null)
        {
            return null;
        }

        return action.Value && resource.Value ? PolicyConditions.Evaluate(statement["Condition"] as JsonObject, request.Context) : false;
    }

    /// <summary>
    /// The element or its negation (exactly one of them must be present): the element covers the request when a
    /// pattern matches, its negation when none does.
    /// </summary>
    private static bool? Covers(JsonObject statement, string element, string negation, Func<string, bool> matches)
    {
        var positive = statement.ContainsKey(element);
        if (positive == statement.ContainsKey(negation))
        {
            return null;
        }

        var any = PolicyPatterns.Values(statement[positive ? element : negation]).Any(matches);
        return positive ? any : !any;
    }
}
