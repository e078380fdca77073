using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// An identity policy parsed once into what <see cref="IdentityPolicyEvaluator"/> reads: immutable, so one parse serves
/// every request and thread until the policy changes (the JSON text is no longer parsed per request). Elements keep the
/// strings the document gave them; policy variables are still substituted per request.
/// </summary>
internal sealed record CompiledPolicy(string Name, IReadOnlyList<CompiledStatement> Statements)
{
    public static CompiledPolicy Compile(IdentityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new(policy.Name, [.. IdentityPolicyEvaluator.Statements(policy.Document).Select(CompiledStatement.Compile)]);
    }
}

/// <summary>
/// A statement: its <c>Effect</c> and <c>Sid</c> as written, <c>Action</c>/<c>NotAction</c> and
/// <c>Resource</c>/<c>NotResource</c> (null when malformed: both or neither present, so it never applies) and its
/// <c>Condition</c> block (null when absent or not an object, which holds).
/// </summary>
internal sealed record CompiledStatement(
    string? Effect, string? Sid, PolicyElement? Action, PolicyElement? Resource, IReadOnlyList<ConditionBlock>? Conditions)
{
    public static CompiledStatement Compile(JsonObject statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        return new(
            statement[nameof(Effect)]?.ToString(),
            statement[nameof(Sid)]?.ToString(),
            PolicyElement.Compile(statement, "Action", "NotAction"),
            PolicyElement.Compile(statement, "Resource", "NotResource"),
            PolicyConditions.Compile(statement["Condition"] as JsonObject));
    }
}

/// <summary>An element or its negation (<see cref="Positive"/> false): the patterns it lists.</summary>
internal sealed record PolicyElement(bool Positive, IReadOnlyList<string> Patterns)
{
    /// <summary>The element, or null when the statement has both the element and its negation, or neither.</summary>
    public static PolicyElement? Compile(JsonObject statement, string element, string negation)
    {
        var positive = statement.ContainsKey(element);
        return positive == statement.ContainsKey(negation)
            ? null
            : new(positive, [.. PolicyPatterns.Values(statement[positive ? element : negation])]);
    }

    /// <summary>The element covers a request when a pattern matches, its negation when none does.</summary>
    public bool Covers(Func<string, bool> matches)
    {
        ArgumentNullException.ThrowIfNull(matches);
        var any = Patterns.Any(matches);
        return Positive ? any : !any;
    }
}

/// <summary>One operator of a <c>Condition</c> block with its keys and listed values, in the document's order;
/// <see cref="Operator"/> is null when the operator is not implemented or its keys are not an object.</summary>
internal sealed record ConditionBlock(ConditionOperator? Operator, IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Keys);
