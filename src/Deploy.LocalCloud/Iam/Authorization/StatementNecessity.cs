using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>One statement of one inline policy of a role: its position (0-based) and its <c>Sid</c>, if any.</summary>
public sealed record PolicyStatementRef(string RoleArn, string PolicyName, int Index, string? Sid)
{
    public override string ToString() => $"{RoleArn[(RoleArn.LastIndexOf('/') + 1)..]}/{PolicyName}/{Sid ?? "#" + Index}";
}

/// <summary>A recorded request: who, the action and the resource (as the trail has them).</summary>
public sealed record RecordedCall(string Principal, string Action, string Resource)
{
    public override string ToString() => $"{Action} on {Resource}";
}

/// <summary>
/// What removing <see cref="Statement"/> does to the recorded requests: <see cref="FirstFailingCall"/> is the first (in
/// trail order) that is then denied, <see cref="FailingCalls"/> how many distinct ones; none failing means no recorded
/// request needs the statement.
/// </summary>
public sealed record StatementVerdict(PolicyStatementRef Statement, RecordedCall? FirstFailingCall, int FailingCalls)
{
    public bool IsNeeded => FirstFailingCall is not null;
}

/// <summary>
/// The mutation analysis of least privilege: given roles' inline policies and a trail of allowed requests
/// (<see cref="AuthorizationTrail"/>), remove each statement of each role in turn and re-evaluate that role's recorded
/// requests with the same evaluator the local cloud enforces with. A statement whose removal denies a request is
/// necessary (the request names why); one whose removal denies nothing is not needed by anything the run did.
/// Requests the unmutated policies no longer allow (the policies changed since the run) are left out.
/// </summary>
public static class StatementNecessity
{
    /// <summary>Roles by ARN, each with its inline policies (name → document JSON), against the trail file's allowed requests.</summary>
    public static IReadOnlyList<StatementVerdict> Analyze(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> roles, string trailPath)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var trail = AuthorizationTrail.Read(trailPath);
        var verdicts = new List<StatementVerdict>();
        foreach (var (roleArn, policies) in roles.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var calls = Distinct(trail.Where(e => e.IsAllowed && e.Role == roleArn));
            var baseline = Policies(policies, skip: null);
            calls = [.. calls.Where(c => IdentityPolicyEvaluator.Evaluate(baseline, c.Request).IsAllowed)];
            foreach (var (policyName, document) in policies.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var statements = IdentityPolicyEvaluator.Statements(document);
                for (var index = 0; index < statements.Count; index++)
                {
                    var mutated = Policies(policies, (policyName, index));
                    var failing = calls.Where(c => !IdentityPolicyEvaluator.Evaluate(mutated, c.Request).IsAllowed).ToList();
                    verdicts.Add(new StatementVerdict(
                        new PolicyStatementRef(roleArn, policyName, index, statements[index]["Sid"]?.ToString()),
                        failing.Count == 0 ? null : failing[0].Call,
                        failing.Count));
                }
            }
        }

        return verdicts;
    }

    /// <summary>The roles and trail a local cloud kept in <paramref name="stateDirectory"/> (<c>iam.json</c>, <c>iam-decisions.jsonl</c>).</summary>
    public static IReadOnlyList<StatementVerdict> AnalyzeStateDirectory(string stateDirectory)
    {
        var iam = new IamStore(new LocalCloudOptions { StateDirectory = stateDirectory }, TimeProvider.System);
        var roles = iam.Read(state => state.Roles.Values.ToDictionary(
            r => r.Arn, r => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(r.InlinePolicies, StringComparer.Ordinal), StringComparer.Ordinal));
        return Analyze(roles, Path.Combine(stateDirectory, AuthorizationTrail.FileName));
    }

    /// <summary>The verdicts as a Markdown table (statement → the first call that fails without it), for a run's note.</summary>
    public static string Table(IEnumerable<StatementVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        var list = verdicts.ToList();
        var lines = new List<string> { "| statement | first call that fails without it | calls failing |", "|---|---|---|" };
        lines.AddRange(list.Select(v => $"| {v.Statement} | {(v.FirstFailingCall is { } call ? $"`{call}`" : "none: no recorded call needs it")} | {v.FailingCalls} |"));
        lines.Add($"{list.Count(v => v.IsNeeded)} of {list.Count} statements needed; {list.Count(v => !v.IsNeeded)} needed by no recorded call.");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Each distinct request once, in the order first recorded.</summary>
    private static List<(RecordedCall Call, AccessRequest Request)> Distinct(IEnumerable<TrailEntry> entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var calls = new List<(RecordedCall, AccessRequest)>();
        foreach (var entry in entries)
        {
            var context = entry.Context.SelectMany(k => k.Value.Select(v => KeyValuePair.Create(k.Key, v))).ToList();
            var key = string.Join('\n', [entry.Principal, entry.Action, entry.Resource, .. context.Select(c => $"{c.Key}={c.Value}").Order(StringComparer.Ordinal)]);
            if (seen.Add(key))
            {
                calls.Add((new RecordedCall(entry.Principal, entry.Action, entry.Resource), new AccessRequest(entry.Principal, entry.Action, entry.Resource, context)));
            }
        }

        return calls;
    }

    /// <summary>The role's policies, with one statement left out when <paramref name="skip"/> names it.</summary>
    private static List<IdentityPolicy> Policies(IReadOnlyDictionary<string, string> policies, (string Policy, int Index)? skip) =>
    [
        .. policies.Select(p =>
        {
            if (skip is not { } left || left.Policy != p.Key)
            {
                return new IdentityPolicy(p.Key, p.Value);
            }

            var kept = IdentityPolicyEvaluator.Statements(p.Value).Where((_, i) => i != left.Index).Select(s => (JsonNode)s.DeepClone());
            return new IdentityPolicy(p.Key, new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray([.. kept]) }.ToJsonString());
        }),
    ];
}
