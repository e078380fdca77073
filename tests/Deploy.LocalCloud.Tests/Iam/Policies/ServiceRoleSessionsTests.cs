using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>How the local cloud's own actors (the pipeline, a rule's target) take on a role: as the AWS service would assume it.</summary>
public sealed class ServiceRoleSessionsTests : IDisposable
{
    private const string Role = "arn:aws:iam::000000000000:role/PipelineRole";
    private readonly TempDirectory state = new();

    private (ServiceRoleSessions Sessions, AuthorizationTrail Trail) Arrange(bool enforce)
    {
        var options = new LocalCloudOptions { StateDirectory = state.Path, EnforceIam = enforce };
        var iam = new IamStore(options, TimeProvider.System);
        var trail = new AuthorizationTrail(options, TimeProvider.System);
        iam.CreateRole("PipelineRole", "/",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}""", null, null);
        iam.Update(s => s.Roles["PipelineRole"].InlinePolicies["roll"] =
            """{"Version":"2012-10-17","Statement":[{"Sid":"Roll","Effect":"Allow","Action":"ecs:UpdateService","Resource":"*"}]}""");
        return (new ServiceRoleSessions(new CallerAuthorizer(iam, trail), iam, options), trail);
    }

    [Fact]
    public void The_service_its_trust_names_acts_as_the_role_and_is_allowed_what_the_policies_allow_once_recorded()
    {
        var (sessions, trail) = Arrange(enforce: true);

        var session = sessions.Assume(Role, "codepipeline.amazonaws.com", "run-1", "CodePipeline");
        session.Require("ecs:UpdateService", "arn:aws:ecs:us-east-1:000000000000:service/c/s");
        session.Require("ecs:UpdateService", "arn:aws:ecs:us-east-1:000000000000:service/c/s"); // polled: asked once
        var denied = Assert.Throws<RoleSessionDeniedException>(() => session.Require("ecs:DeleteService", "arn:aws:ecs:us-east-1:000000000000:service/c/s"));

        Assert.Equal("arn:aws:sts::000000000000:assumed-role/PipelineRole/run-1", session.Arn);
        Assert.Equal("User: arn:aws:sts::000000000000:assumed-role/PipelineRole/run-1 is not authorized to perform: ecs:DeleteService on resource: " +
            "arn:aws:ecs:us-east-1:000000000000:service/c/s because no identity-based policy allows the ecs:DeleteService action", denied.Message);
        var entries = AuthorizationTrail.Read(trail.FilePath);
        Assert.Equal([("ecs:UpdateService", "Allow", "Roll"), ("ecs:DeleteService", "ImplicitDeny", null)],
            entries.Select(e => (e.Action, e.Decision, e.Statement)));
        Assert.All(entries, e => Assert.Equal(Role, e.Role));
    }

    [Theory]
    [InlineData(Role, "events.amazonaws.com", "EventBridge is not authorized to perform AssumeRole on role " + Role)]
    [InlineData("arn:aws:iam::000000000000:role/Missing", "codepipeline.amazonaws.com", "CodePipeline is not authorized to perform AssumeRole on role arn:aws:iam::000000000000:role/Missing")]
    [InlineData(null, "codepipeline.amazonaws.com", "CodePipeline is not authorized to perform AssumeRole on role (none: the resource has no role)")]
    public void A_role_the_service_may_not_assume_is_refused_with_the_reason(string? role, string service, string reason)
    {
        var (sessions, _) = Arrange(enforce: true);

        var refused = Assert.Throws<RoleSessionDeniedException>(() => sessions.Assume(role, service, "run-1", service == "events.amazonaws.com" ? "EventBridge" : "CodePipeline"));

        Assert.Equal(reason, refused.Message);
    }

    [Fact]
    public void With_enforcement_off_every_actor_may_do_anything_and_nothing_is_recorded()
    {
        var (sessions, trail) = Arrange(enforce: false);

        var session = sessions.Assume(null, "codepipeline.amazonaws.com", "run-1", "CodePipeline");
        session.Require("ecs:DeleteService", "*");

        Assert.Null(session.Arn);
        Assert.False(File.Exists(trail.FilePath));
    }

    public void Dispose() => state.Dispose();
}
