using Deploy.LocalCloud.Iam.Policies;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>The identity policy evaluator on IAM's documented examples, and the denial messages AWS gives.</summary>
public sealed class IdentityPolicyEvaluatorTests
{
    public static TheoryData<PolicyCase> Documented => [.. DocumentedExamples.All()];

    [Theory]
    [MemberData(nameof(Documented))]
    public void An_identity_policy_decides_as_IAM_documents(PolicyCase example)
    {
        Assert.Equal(example.Expected, example.Evaluate().Decision.ToString());
    }

    [Fact]
    public void A_denial_without_an_allow_names_the_caller_action_and_resource()
    {
        var request = new AccessRequest(PolicyCase.RoleSession, "ecs:UpdateService", DocumentedExamples.Service);

        var decision = IdentityPolicyEvaluator.Evaluate([], request);

        Assert.Equal(
            "User: arn:aws:sts::000000000000:assumed-role/PipelineRole/session is not authorized to perform: ecs:UpdateService on resource: "
            + "arn:aws:ecs:us-east-1:000000000000:service/platform/sample because no identity-based policy allows the ecs:UpdateService action",
            decision.DenialMessage(request));
    }

    [Fact]
    public void An_explicit_deny_names_its_policy_and_statement_and_says_so()
    {
        var request = new AccessRequest(PolicyCase.RoleSession, "iam:PassRole", "arn:aws:iam::000000000000:role/Admin");
        var policy = DocumentedExamples.Policy(DocumentedExamples.Allow("\"*\"", "\"*\""),
            """{"Sid":"NoAdmin","Effect":"Deny","Action":"iam:PassRole","Resource":"arn:aws:iam::*:role/Admin"}""");

        var decision = IdentityPolicyEvaluator.Evaluate([new IdentityPolicy("Guard", policy)], request);

        Assert.Equal(new AccessDecision(PolicyDecision.ExplicitDeny, "Guard", "NoAdmin"), decision);
        Assert.EndsWith("on resource: arn:aws:iam::000000000000:role/Admin with an explicit deny in an identity-based policy", decision.DenialMessage(request), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("abc", "a*", true)]
    [InlineData("abc", "*c", true)]
    [InlineData("abc", "a?c", true)]
    [InlineData("abc", "a?", false)]
    [InlineData("abc", "*b", false)]
    [InlineData("", "*", true)]
    [InlineData("aXbXc", "a*b*c", true)]
    [InlineData("abcabd", "*abd", true)]
    [InlineData("ABC", "abc", false)]
    public void Wildcards_match_the_whole_value(string value, string pattern, bool matches)
    {
        Assert.Equal(matches, PolicyPatterns.Like(value, pattern));
    }

    [Theory]
    [InlineData("arn:aws:logs:us-east-1:000000000000:log-group:/platform/build:*", "arn:aws:logs:us-east-1:000000000000:log-group:/platform/build:log-stream:x", true)]
    [InlineData("arn:aws:ecs:*:*:service/*", "arn:aws:ecs:us-east-1:000000000000:service/c/s", true)]
    [InlineData("arn:aws:ecs:us-east-1*:service/c/s", "arn:aws:ecs:us-east-1:000000000000:service/c/s", false)]
    [InlineData("*", "anything", true)]
    [InlineData("arn:aws:ecs:*:*:service/*", "*", false)]
    [InlineData("arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a:b/c", true)]
    [InlineData("arn:aws:s3:::b*", "arn:aws:s3:::", false)]
    [InlineData("arn:aws:s3:::*", "arn:aws:s3:::", true)]
    [InlineData("arn:aws:s3::*", "arn:aws:s3:::bucket", false)]
    [InlineData("arn:aws:s3:::bucket", "arn:aws:s3::bucket", false)]
    [InlineData("arn:aws:ecs:US-EAST-1:*:*", "arn:aws:ecs:us-east-1:000000000000:service/c/s", false)]
    public void Arns_match_part_by_part(string pattern, string arn, bool matches)
    {
        Assert.Equal(matches, PolicyPatterns.ArnMatches(pattern, arn));
    }
}
