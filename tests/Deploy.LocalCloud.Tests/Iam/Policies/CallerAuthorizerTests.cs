using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Iam.Policies;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>Who is authorized how: the configured key as administrator, a role session by its role's policies.</summary>
public sealed class CallerAuthorizerTests : IDisposable
{
    private const string Service = DocumentedExamples.Service;
    private readonly TempDirectory state = new();
    private readonly IamStore iam;
    private readonly CallerAuthorizer authorizer;

    public CallerAuthorizerTests()
    {
        var options = new LocalCloudOptions { StateDirectory = state.Path };
        iam = new IamStore(options, TimeProvider.System);
        authorizer = new CallerAuthorizer(iam);
        iam.CreateRole("PipelineRole", "/", "{}", null, null);
        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies["Roll"] = DocumentedExamples.Policy(
            DocumentedExamples.Allow("\"ecs:UpdateService\"", $"\"{Service}\"", """{"StringEquals":{"aws:PrincipalAccount":"000000000000"}}""")));
    }

    private static CallerIdentity Session(string role) => CallerIdentity.For(
        new TemporaryCredentials("ASIAEXAMPLE", "secret", "token", DateTimeOffset.UtcNow.AddHours(1), $"arn:aws:iam::000000000000:role/{role}", "AROAEXAMPLE", "deploy"),
        "000000000000");

    [Fact]
    public void The_configured_key_is_allowed_everything()
    {
        var root = CallerIdentity.Root(new LocalCredentials("local", "localsecret", "us-east-1"));

        Assert.True(authorizer.Authorize(root, "iam:PassRole", "arn:aws:iam::000000000000:role/Admin").Decision.IsAllowed);
    }

    [Fact]
    public void A_role_session_acts_as_its_role_with_the_keys_AWS_adds()
    {
        var (decision, _) = authorizer.Authorize(Session("PipelineRole"), "ecs:UpdateService", Service);

        Assert.Equal(new AccessDecision(PolicyDecision.Allow, "Roll"), decision);
    }

    [Fact]
    public void A_role_session_is_denied_what_its_role_does_not_allow_with_AWSs_message()
    {
        var (decision, request) = authorizer.Authorize(Session("PipelineRole"), "ecs:DeleteService", Service);

        Assert.Equal(
            $"User: arn:aws:sts::000000000000:assumed-role/PipelineRole/deploy is not authorized to perform: ecs:DeleteService on resource: {Service} "
            + "because no identity-based policy allows the ecs:DeleteService action",
            decision.DenialMessage(request));
    }

    [Fact]
    public void A_session_of_a_role_that_no_longer_exists_is_allowed_nothing()
    {
        Assert.Equal(PolicyDecision.ImplicitDeny, authorizer.Authorize(Session("GoneRole"), "ecs:UpdateService", Service).Decision.Decision);
    }

    [Fact]
    public void A_policy_change_counts_from_the_very_next_request()
    {
        var session = Session("PipelineRole");
        Assert.True(authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.IsAllowed); // parsed once, kept

        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies["Roll"] = DocumentedExamples.Policy(
            DocumentedExamples.Allow("\"ecs:DescribeServices\"", $"\"{Service}\"")));
        Assert.Equal(PolicyDecision.ImplicitDeny, authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.Decision);
        Assert.True(authorizer.Authorize(session, "ecs:DescribeServices", Service).Decision.IsAllowed);

        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies["Guard"] = DocumentedExamples.Policy(
            DocumentedExamples.Deny("\"ecs:Describe*\"", "\"*\"")));
        Assert.Equal(new AccessDecision(PolicyDecision.ExplicitDeny, "Guard"), authorizer.Authorize(session, "ecs:DescribeServices", Service).Decision);

        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies.Remove("Guard"));
        Assert.True(authorizer.Authorize(session, "ecs:DescribeServices", Service).Decision.IsAllowed);
    }

    [Fact]
    public void A_role_deleted_or_made_again_under_another_path_counts_from_the_very_next_request()
    {
        var session = Session("PipelineRole");
        var policies = iam.Read(s => new Dictionary<string, string>(s.Roles["PipelineRole"].InlinePolicies));
        Assert.True(authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.IsAllowed);

        iam.Update(s => s.Roles.Remove("PipelineRole"));
        Assert.Equal(PolicyDecision.ImplicitDeny, authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.Decision);

        // The same name and policies under another path: another ARN, so not the session's role.
        iam.CreateRole("PipelineRole", "/other/", "{}", null, null);
        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies = policies);
        Assert.Equal(PolicyDecision.ImplicitDeny, authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.Decision);

        iam.Update(s => s.Roles.Remove("PipelineRole"));
        iam.CreateRole("PipelineRole", "/", "{}", null, null);
        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies = policies);
        Assert.True(authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.IsAllowed);
    }

    [Fact]
    public void A_change_that_fails_and_is_rolled_back_leaves_the_policies_as_they_were()
    {
        var session = Session("PipelineRole");
        Assert.True(authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.IsAllowed);

        Assert.Throws<InvalidOperationException>(() => iam.Update<bool>(s =>
        {
            s.Roles["PipelineRole"].InlinePolicies.Clear();
            throw new InvalidOperationException("half-way");
        }));

        Assert.True(authorizer.Authorize(session, "ecs:UpdateService", Service).Decision.IsAllowed);
    }

    public void Dispose() => state.Dispose();
}
