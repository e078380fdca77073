using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Tests.Iam;

/// <summary>The trust policy evaluator on the cases IAM's policy evaluation documentation spells out.</summary>
public sealed class TrustPolicyEvaluatorTests
{
    private const string Provider = "arn:aws:iam::000000000000:oidc-provider/gitlab.com";
    private const string Sub = "project_path:group/app:ref_type:branch:ref:main";

    private static readonly PolicyRequest GitLabMain = WebIdentity(Sub);

    private static PolicyRequest WebIdentity(string sub, string aud = "sts.amazonaws.com", string provider = Provider) =>
        new("sts:AssumeRoleWithWebIdentity", [new PolicyPrincipal("Federated", provider)],
            [new("gitlab.com:aud", aud), new("gitlab.com:sub", sub)]);

    private static string Policy(string statements) => $$"""{"Version":"2012-10-17","Statement":[{{statements}}]}""";

    private static string Allow(string condition, string principal = $$"""{"Federated":"{{Provider}}"}""", string action = "\"sts:AssumeRoleWithWebIdentity\"") =>
        $$"""{"Effect":"Allow","Principal":{{principal}},"Action":{{action}}{{(condition.Length == 0 ? "" : ",\"Condition\":" + condition)}}}""";

    public static TheoryData<string, string, string> Cases => new()
    {
        { "pinned aud and sub", Policy(Allow($$$"""{"StringEquals":{"gitlab.com:aud":"sts.amazonaws.com","gitlab.com:sub":"{{{Sub}}}"}}""")), nameof(PolicyDecision.Allow) },
        { "another sub", Policy(Allow("""{"StringEquals":{"gitlab.com:sub":"project_path:group/app:ref_type:branch:ref:develop"}}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "one of several subs", Policy(Allow($$$"""{"StringEquals":{"gitlab.com:sub":["project_path:group/app:ref_type:branch:ref:develop","{{{Sub}}}"]}}""")), nameof(PolicyDecision.Allow) },
        { "keys compare case-insensitively", Policy(Allow($$$"""{"StringEquals":{"GitLab.com:SUB":"{{{Sub}}}"}}""")), nameof(PolicyDecision.Allow) },
        { "values compare case-sensitively", Policy(Allow("""{"StringEquals":{"gitlab.com:sub":"PROJECT_PATH:group/app:ref_type:branch:ref:main"}}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "StringLike on the project's branches", Policy(Allow("""{"StringLike":{"gitlab.com:sub":"project_path:group/app:ref_type:branch:ref:*"}}""")), nameof(PolicyDecision.Allow) },
        { "StringLike ? is one character", Policy(Allow("""{"StringLike":{"gitlab.com:sub":"project_path:group/ap?:ref_type:branch:ref:mai"}}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "StringLike on another group", Policy(Allow("""{"StringLike":{"gitlab.com:sub":"project_path:other/*"}}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "a key the request lacks", Policy(Allow("""{"StringEquals":{"gitlab.com:amr":"x"}}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "IfExists on a key the request lacks", Policy(Allow("""{"StringEqualsIfExists":{"gitlab.com:amr":"x"}}""")), nameof(PolicyDecision.Allow) },
        { "StringNotEquals another branch", Policy(Allow("""{"StringNotEquals":{"gitlab.com:sub":"project_path:group/app:ref_type:branch:ref:develop"}}""")), nameof(PolicyDecision.Allow) },
        { "another provider", Policy(Allow("", principal: """{"Federated":"arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com"}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "a service principal", Policy(Allow("", principal: """{"Service":"codebuild.amazonaws.com"}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "any principal", Policy(Allow("", principal: "\"*\"")), nameof(PolicyDecision.Allow) },
        { "another action", Policy(Allow("", action: "\"sts:AssumeRole\"")), nameof(PolicyDecision.ImplicitDeny) },
        { "an action wildcard", Policy(Allow("", action: "[\"sts:AssumeRole*\"]")), nameof(PolicyDecision.Allow) },
        { "an explicit deny wins", Policy(Allow("") + "," + """{"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"StringLike":{"gitlab.com:sub":"*:ref:main"}}}"""), nameof(PolicyDecision.ExplicitDeny) },
        { "a deny that does not apply", Policy(Allow("") + "," + """{"Effect":"Deny","Principal":"*","Action":"sts:*","Condition":{"StringLike":{"gitlab.com:sub":"*:ref:develop"}}}"""), nameof(PolicyDecision.Allow) },
        { "an unknown operator fails closed", Policy(Allow("""{"StringSoundsLike":{"gitlab.com:sub":"1"}}""")), nameof(PolicyDecision.ImplicitDeny) },
        { "NotPrincipal fails closed", Policy("""{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:*"}"""), nameof(PolicyDecision.ImplicitDeny) },
        { "a deny with NotAction applies", Policy(Allow("") + "," + """{"Effect":"Deny","Principal":"*","NotAction":"sts:TagSession"}"""), nameof(PolicyDecision.ExplicitDeny) },
        { "a single statement object", $$"""{"Version":"2012-10-17","Statement":{{Allow("")}}}""", nameof(PolicyDecision.Allow) },
        { "no statement", """{"Version":"2012-10-17","Statement":[]}""", nameof(PolicyDecision.ImplicitDeny) },
        { "not JSON", "{", nameof(PolicyDecision.ImplicitDeny) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_trust_policy_decides_as_IAM_does(string situation, string policy, string expected)
    {
        Assert.True(expected == TrustPolicyEvaluator.Evaluate(policy, GitLabMain).ToString(), situation);
    }

    [Fact]
    public void ForAllValues_holds_for_an_absent_key_and_ForAnyValue_does_not()
    {
        var request = new PolicyRequest("sts:AssumeRole", [new PolicyPrincipal("AWS", "000000000000")], []);

        Assert.Equal(PolicyDecision.Allow, TrustPolicyEvaluator.Evaluate(
            Policy("""{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team"]}}}"""), request));
        Assert.Equal(PolicyDecision.ImplicitDeny, TrustPolicyEvaluator.Evaluate(
            Policy("""{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"sts:AssumeRole","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}}"""), request));
    }
}
