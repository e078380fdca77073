using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// A statement's <c>Condition</c> block against a request's context: every operator must hold, and within an operator
/// every key (AND); a key holds when its value matches any of the listed values (OR). Operators are those of
/// <see cref="ConditionOperator"/>, each also with <c>IfExists</c> and the <c>ForAnyValue:</c>/<c>ForAllValues:</c>
/// set qualifiers; listed values may hold policy variables (string and ARN operators).
/// </summary>
internal static class PolicyConditions
{
    /// <summary>True when the block holds, false when it does not, null when it uses an operator not implemented here.</summary>
    public static bool? Evaluate(JsonObject? conditions, IReadOnlyDictionary<string, IReadOnlyList<string>> context) =>
        Evaluate(Compile(conditions), context);

    /// <summary>As above, on a block parsed beforehand (<see cref="Compile"/>).</summary>
    public static bool? Evaluate(IReadOnlyList<ConditionBlock>? conditions, IReadOnlyDictionary<string, IReadOnlyList<string>> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (conditions is null)
        {
            return true;
        }

        foreach (var block in conditions)
        {
            if (block.Operator is not { } op)
            {
                return null;
            }

            foreach (var (key, values) in block.Keys)
            {
                // A variable without a value makes its listed value match nothing.
                IReadOnlyList<string> expected = op.Kind is ConditionKind.String or ConditionKind.Arn
                    ? [.. values.Select(value => PolicyPatterns.Substitute(value, context)).OfType<string>()]
                    : values;
                if (!Holds(op, context.GetValueOrDefault(key), expected))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>The block's operators with their keys and listed values, in order (null for no block).</summary>
    public static IReadOnlyList<ConditionBlock>? Compile(JsonObject? conditions) => conditions?
        .Select(entry => entry.Value is JsonObject keyValues && ConditionOperator.Parse(entry.Key) is { } op
            ? new ConditionBlock(op, [.. keyValues.Select(k => KeyValuePair.Create(k.Key, (IReadOnlyList<string>)[.. PolicyPatterns.Values(k.Value)]))])
            : new ConditionBlock(null, []))
        .ToList();

    private static bool Holds(ConditionOperator op, IReadOnlyList<string>? actual, IReadOnlyList<string> expected)
    {
        if (op.Kind == ConditionKind.Null)
        {
            // "true": the key must be absent; "false": present.
            var absent = actual is null || actual.Count == 0;
            return expected.Any(value => bool.TryParse(value, out var wanted) && wanted == absent);
        }

        if (actual is null || actual.Count == 0)
        {
            // IfExists holds for a missing key. ForAllValues holds over an empty set (vacuously), ForAnyValue does not;
            // without a qualifier a missing key matches nothing: positive operators fail, negated ones hold.
            return op.IfExists || op.Set switch
            {
                SetQualifier.ForAllValues => true,
                SetQualifier.ForAnyValue => false,
                _ => op.Negated,
            };
        }

        bool Matches(string value) => expected.Any(pattern => op.Compare(value, pattern));
        return op.Set switch
        {
            SetQualifier.ForAllValues => op.Negated ? actual.All(v => !Matches(v)) : actual.All(Matches),
            SetQualifier.ForAnyValue => op.Negated ? actual.Any(v => !Matches(v)) : actual.Any(Matches),
            _ => op.Negated ? !actual.Any(Matches) : actual.Any(Matches),
        };
    }
}
