using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// One evaluation: the caller's identity policies, the request, and (for the documented examples) the decision IAM's
/// documentation gives. <see cref="ForOracle"/> is false for input the simulator refuses to evaluate (malformed or
/// unknown elements, which our evaluator must fail closed on).
/// </summary>
public sealed record PolicyCase(
    string Name,
    IReadOnlyList<string> Documents,
    string Action,
    string Resource,
    IReadOnlyList<KeyValuePair<string, string>> Context,
    string? Expected = null,
    string Principal = PolicyCase.RoleSession,
    bool ForOracle = true)
{
    public const string Account = "000000000000";
    public const string RoleSession = "arn:aws:sts::000000000000:assumed-role/PipelineRole/session";

    internal AccessRequest Request => new(Principal, Action, Resource, Context);

    internal AccessDecision Evaluate() =>
        IdentityPolicyEvaluator.Evaluate(Documents.Select((document, i) => new IdentityPolicy($"policy{i}", document)), Request);

    public override string ToString() => Name;
}
