using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.Aws.CloudFormation;

namespace Deploy.Delivery.Infra;

/// <summary>
/// Says "unchanged" without a change set, from what DescribeStacks and GetTemplate return. CloudFormation answers a
/// change set whose template and parameter values equal the stack's with "didn't contain changes"; checking that
/// equality ourselves gives the same answer in two read calls instead of CreateChangeSet, polls of DescribeChangeSet and
/// DeleteChangeSet (seconds on AWS). Whatever this cannot prove equal goes the change set way, which stays the authority.
/// </summary>
internal static class StackUnchanged
{
    /// <summary>
    /// Stable states whose template is the one last applied. UPDATE_ROLLBACK_COMPLETE and the import states are left to
    /// the change set: what GetTemplate returns after a rollback is not what this run should compare against blindly.
    /// </summary>
    private static readonly HashSet<string> Settled = new(StringComparer.Ordinal) { "CREATE_COMPLETE", "UPDATE_COMPLETE" };

    /// <summary>The stack is in a state whose template <see cref="Matches"/> can compare.</summary>
    public static bool IsSettled(StackDescription stack) => stack.StackStatus is { } status && Settled.Contains(status);

    /// <summary>The stack is settled and runs exactly <paramref name="template"/> with these parameter values.</summary>
    /// <param name="stack">The stack as DescribeStacks returned it.</param>
    /// <param name="deployedTemplate">GetTemplate's <c>TemplateBody</c> (stage <c>Original</c>).</param>
    /// <param name="template">The template this run would deploy.</param>
    /// <param name="parameters">The parameters this run would pass; template parameters not passed take their default.</param>
    public static bool Matches(StackDescription stack, string? deployedTemplate, string template, IReadOnlyList<StackParameter> parameters)
    {
        if (!IsSettled(stack) || deployedTemplate is null)
        {
            return false;
        }

        JsonNode? ours = JsonNode.Parse(template);
        JsonNode? theirs;
        try
        {
            theirs = JsonNode.Parse(deployedTemplate);
        }
        catch (JsonException)
        {
            return false; // a YAML template deployed by someone else: not ours, let the change set say
        }

        if (!JsonNode.DeepEquals(ours, theirs))
        {
            return false;
        }

        var expected = ExpectedValues(ours, parameters);
        var actual = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var parameter in stack.Parameters ?? [])
        {
            if (parameter.ParameterKey is not { } key || parameter.ResolvedValue is not null)
            {
                return false; // SSM-typed parameters resolve anew on each update: only a change set knows
            }

            actual[key] = parameter.ParameterValue;
        }

        return expected is not null
            && expected.Count == actual.Count
            && expected.All(e => actual.TryGetValue(e.Key, out var value) && value == e.Value);
    }

    /// <summary>Each declared parameter's value: the one passed, else its default; null when one is NoEcho or has neither.</summary>
    private static Dictionary<string, string>? ExpectedValues(JsonNode? template, IReadOnlyList<StackParameter> parameters)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var passed = parameters.Where(p => p.ParameterKey is not null).ToDictionary(p => p.ParameterKey!, p => p.ParameterValue, StringComparer.Ordinal);
        foreach (var (key, declaration) in template?["Parameters"]?.AsObject() ?? [])
        {
            if (declaration?["NoEcho"] is { } noEcho && noEcho.ToString() is "true" or "True")
            {
                return null; // DescribeStacks masks the value as ****: nothing to compare
            }

            var value = passed.TryGetValue(key, out var given) ? given : declaration?["Default"]?.ToString();
            if (value is null)
            {
                return null;
            }

            values[key] = value;
        }

        return passed.Keys.All(values.ContainsKey) ? values : null;
    }

    /// <summary>
    /// Whether an unchanged run should run drift detection now, and why. Detection reads every resource (seconds to
    /// minutes on AWS) and keeps its result on the stack (<c>DriftInformation</c>), where every machine sees it. So a
    /// recent IN_SYNC result stands for <paramref name="interval"/>: across all CI jobs and laptops the stack is checked
    /// about once per interval, and a resource deleted in between also fails the target that uses it with its own error.
    /// A stack never checked, DRIFTED or UNKNOWN is checked on every run, so a user keeps hearing about hand edits and
    /// deleted resources are recreated until the drift is gone. A zero interval checks on every run.
    /// </summary>
    public static (bool Due, string Reason) DriftCheckDue(StackDescription stack, DateTimeOffset now, TimeSpan interval)
    {
        var drift = stack.DriftInformation;
        if (interval <= TimeSpan.Zero)
        {
            return (true, "checked on every run (--drift-check-interval 0)");
        }

        if (drift?.StackDriftStatus != DriftStatuses.InSync || drift.LastCheckTimestamp is not { } last)
        {
            return (true, $"last drift status {drift?.StackDriftStatus ?? "NOT_CHECKED"}");
        }

        var age = now - last;
        return age >= interval || age < TimeSpan.Zero
            ? (true, $"last checked {StackWatcher.Duration(age.Duration())} ago")
            : (false, $"IN_SYNC at the last drift detection {StackWatcher.Duration(age)} ago ({last:u}); the next runs after "
                + $"{StackWatcher.Duration(interval)} (--drift-check-interval)");
    }
}
