using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// Evaluates a role's trust policy (its <c>AssumeRolePolicyDocument</c>) for an STS call: a statement applies when its
/// <c>Principal</c> names the caller, its <c>Action</c> covers the action and its <c>Condition</c> holds; an applying
/// Deny wins, else an applying Allow allows, else the call is implicitly denied.
/// What it does not implement fails closed: an Allow statement using <c>NotPrincipal</c>, <c>NotAction</c> or an unknown
/// condition operator never applies, a Deny statement using them always applies. Identity policies, permission
/// boundaries and SCPs are not evaluated here (a later IAM enforcement builds on this class).
/// </summary>
internal static class TrustPolicyEvaluator
{
    public static PolicyDecision Evaluate(string policyDocument, PolicyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        JsonNode? document;
        try
        {
            document = JsonNode.Parse(policyDocument);
        }
        catch (JsonException)
        {
            return PolicyDecision.ImplicitDeny;
        }

        var statements = document?["Statement"] switch
        {
            JsonArray array => array.OfType<JsonObject>().ToList(),
            JsonObject single => [single],
            _ => [],
        };

        var allowed = false;
        foreach (var statement in statements)
        {
            var deny = string.Equals(statement["Effect"]?.ToString(), "Deny", StringComparison.Ordinal);
            var applies = Applies(statement, request);
            if (deny && applies != false)
            {
                return PolicyDecision.ExplicitDeny;
            }

            allowed |= !deny && applies == true;
        }

        return allowed ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny;
    }

    /// <summary>True/false, or null when the statement uses something not implemented (the caller fails closed).</summary>
    private static bool? Applies(JsonObject statement, PolicyRequest request)
    {
        if (statement.ContainsKey("NotPrincipal") || statement.ContainsKey("NotAction"))
        {
            return null;
        }

        if (!NamesCaller(statement["Principal"], request.Principals) || !Covers(statement["Action"], request.Action))
        {
            return false;
        }

        return PolicyConditions.Evaluate(statement["Condition"] as JsonObject, request.Context);
    }

    /// <summary><c>"*"</c>, or an object of principal types whose values (one or a list) include one naming the caller.</summary>
    private static bool NamesCaller(JsonNode? principal, IReadOnlyList<PolicyPrincipal> caller) => principal switch
    {
        JsonValue value => value.ToString() == "*",
        JsonObject types => types.Any(type => PolicyPatterns.Values(type.Value).Any(v =>
            v == "*" || caller.Any(c => string.Equals(c.Type, type.Key, StringComparison.Ordinal) && string.Equals(c.Value, v, StringComparison.Ordinal)))),
        _ => false,
    };

    /// <summary>Action names compare case-insensitively; <c>*</c> and <c>?</c> are wildcards (<c>sts:*</c>, <c>sts:AssumeRole*</c>).</summary>
    private static bool Covers(JsonNode? actions, string action) =>
        PolicyPatterns.Values(actions).Any(pattern => PolicyPatterns.ActionMatches(pattern, action));
}
