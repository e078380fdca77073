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
/// What narrowing a statement by one element does: <see cref="Value"/> is one entry of its <c>Action</c> or <c>Resource</c>
/// list (<see cref="Element"/>), removed while the rest of the statement stays.
/// </summary>
public sealed record ElementVerdict(PolicyStatementRef Statement, string Element, string Value, RecordedCall? FirstFailingCall, int FailingCalls)
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
    public static IReadOnlyList<StatementVerdict> Analyze(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> roles, string trailPath) =>
    [
        .. Sites(roles, trailPath).Select(site =>
        {
            var failing = site.Failing(_ => null);
            return new StatementVerdict(site.Ref, failing.FirstOrDefault(), failing.Count);
        }),
    ];

    /// <summary>
    /// The finer mutation: each entry of each statement's <c>Action</c> and <c>Resource</c> list (when it lists more than
    /// one) removed in turn, the rest of the statement kept. An action no recorded call needs could go from the statement;
    /// a resource likewise narrows it.
    /// </summary>
    public static IReadOnlyList<ElementVerdict> AnalyzeElements(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> roles, string trailPath) =>
    [
        .. from site in Sites(roles, trailPath)
           from element in (string[])["Action", "Resource"]
           where site.Statement[element] is JsonArray { Count: > 1 }
           let values = (JsonArray)site.Statement[element]!
           from entry in Enumerable.Range(0, values.Count)
           let failing = site.Failing(statement =>
           {
               var narrowed = (JsonObject)statement.DeepClone();
               ((JsonArray)narrowed[element]!).RemoveAt(entry);
               return narrowed;
           })
           select new ElementVerdict(site.Ref, element, values[entry]!.ToString(), failing.FirstOrDefault(), failing.Count),
    ];

    /// <summary>The roles and trail a local cloud kept in <paramref name="stateDirectory"/> (<c>iam.json</c>, <c>iam-decisions.jsonl</c>).</summary>
    public static IReadOnlyList<StatementVerdict> AnalyzeStateDirectory(string stateDirectory) =>
        Analyze(RolesIn(stateDirectory), Path.Combine(stateDirectory, AuthorizationTrail.FileName));

    /// <summary><see cref="AnalyzeElements"/> over the roles and trail a local cloud kept in <paramref name="stateDirectory"/>.</summary>
    public static IReadOnlyList<ElementVerdict> AnalyzeStateDirectoryElements(string stateDirectory) =>
        AnalyzeElements(RolesIn(stateDirectory), Path.Combine(stateDirectory, AuthorizationTrail.FileName));

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

    /// <summary>The element verdicts as a Markdown table (statement, the action or resource left out, the first call that then fails).</summary>
    public static string ElementTable(IEnumerable<ElementVerdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(verdicts);
        var list = verdicts.ToList();
        var lines = new List<string> { "| statement | left out | first call that fails without it | calls failing |", "|---|---|---|---|" };
        lines.AddRange(list.Select(v => $"| {v.Statement} | {v.Element} `{v.Value}` | {(v.FirstFailingCall is { } call ? $"`{call}`" : "none: no recorded call needs it")} | {v.FailingCalls} |"));
        lines.Add($"{list.Count(v => v.IsNeeded)} of {list.Count} actions and resources of multi-valued statements needed; {list.Count(v => !v.IsNeeded)} needed by no recorded call.");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// Every statement of every role's inline policies (roles and policies in name order), with the role's distinct allowed
    /// calls that its unmutated policies still allow.
    /// </summary>
    private static IEnumerable<StatementSite> Sites(IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> roles, string trailPath)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var trail = AuthorizationTrail.Read(trailPath);
        foreach (var (roleArn, policies) in roles.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var baseline = Compiled(policies, null);
            var calls = Distinct(trail.Where(e => e.IsAllowed && e.Role == roleArn)).Where(c => IdentityPolicyEvaluator.EvaluateParsed(baseline, c.Request).IsAllowed).ToList();
            foreach (var (policyName, document) in policies.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                var statements = IdentityPolicyEvaluator.Statements(document);
                for (var index = 0; index < statements.Count; index++)
                {
                    yield return new StatementSite(roleArn, calls, policies, policyName, index, statements[index]);
                }
            }
        }
    }

    /// <summary>One statement of a role, with what is needed to replay the role's calls once it is mutated.</summary>
    private sealed record StatementSite(
        string Role, List<(RecordedCall Call, AccessRequest Request)> Calls, IReadOnlyDictionary<string, string> Policies, string PolicyName, int Index, JsonObject Statement)
    {
        public PolicyStatementRef Ref => new(Role, PolicyName, Index, Statement["Sid"]?.ToString());

        /// <summary>The calls denied once this statement is replaced by <paramref name="mutate"/>'s (null: removed).</summary>
        public List<RecordedCall> Failing(Func<JsonObject, JsonObject?> mutate)
        {
            var mutated = Compiled(Policies, (PolicyName, Index, mutate));
            return [.. Calls.Where(c => !IdentityPolicyEvaluator.EvaluateParsed(mutated, c.Request).IsAllowed).Select(c => c.Call)];
        }
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> RolesIn(string stateDirectory)
    {
        var iam = new IamStore(new LocalCloudOptions { StateDirectory = stateDirectory }, TimeProvider.System);
        return iam.Read(state => state.Roles.Values.ToDictionary(
            r => r.Arn, r => (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(r.InlinePolicies, StringComparer.Ordinal), StringComparer.Ordinal));
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

    /// <summary>
    /// The role's policies, parsed once for all the calls replayed against them, with one statement replaced (or left
    /// out, when the mutation gives null) when <paramref name="mutation"/> names it.
    /// </summary>
    private static List<CompiledPolicy> Compiled(IReadOnlyDictionary<string, string> policies, (string Policy, int Index, Func<JsonObject, JsonObject?> Mutate)? mutation) =>
    [
        .. policies.Select(p =>
        {
            if (mutation is not { } change || change.Policy != p.Key)
            {
                return CompiledPolicy.Compile(new IdentityPolicy(p.Key, p.Value));
            }

            var kept = IdentityPolicyEvaluator.Statements(p.Value)
                .Select((s, i) => i == change.Index ? change.Mutate(s) : (JsonObject)s.DeepClone())
                .OfType<JsonNode>();
            return CompiledPolicy.Compile(new IdentityPolicy(p.Key, new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray([.. kept]) }.ToJsonString()));
        }),
    ];
}
