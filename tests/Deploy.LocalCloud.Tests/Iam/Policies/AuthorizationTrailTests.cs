using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Iam.Policies;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>The decision trail keeps its file open between appends: a reader must still see every decision made so far.</summary>
public sealed class AuthorizationTrailTests : IDisposable
{
    private const string Role = "arn:aws:iam::000000000000:role/PipelineRole";
    private readonly TempDirectory state = new();
    private readonly AuthorizationTrail trail;

    public AuthorizationTrailTests() => trail = new AuthorizationTrail(new LocalCloudOptions { StateDirectory = state.Path }, TimeProvider.System);

    private void Record(string action) => trail.Record(Role,
        new AccessRequest("arn:aws:sts::000000000000:assumed-role/PipelineRole/s", action, "*", [KeyValuePair.Create("aws:PrincipalArn", Role)]),
        new AccessDecision(PolicyDecision.Allow, "roll", "Roll"));

    private List<string> Actions() => [.. AuthorizationTrail.Read(trail.FilePath).Select(e => e.Action)];

    [Fact]
    public void Each_decision_is_in_the_file_as_soon_as_it_is_recorded()
    {
        Record("ecs:DescribeServices");
        Assert.Equal(["ecs:DescribeServices"], Actions());

        Record("ecs:UpdateService");
        Assert.Equal(["ecs:DescribeServices", "ecs:UpdateService"], Actions());
        Assert.Equal(("Allow", "roll", "Roll"), AuthorizationTrail.Read(trail.FilePath).Select(e => (e.Decision, e.Policy, e.Statement)).Last());
    }

    [Fact]
    public void A_trail_deleted_meanwhile_is_started_again()
    {
        Record("ecs:DescribeServices");
        File.Delete(trail.FilePath);

        Record("ecs:UpdateService");

        Assert.Equal(["ecs:UpdateService"], Actions());
    }

    [Fact]
    public void A_decision_after_shutdown_is_still_recorded()
    {
        Record("ecs:DescribeServices");
        trail.Dispose();

        Record("ecs:UpdateService");

        Assert.Equal(["ecs:DescribeServices", "ecs:UpdateService"], Actions());
    }

    [Fact]
    public void Concurrent_decisions_are_whole_lines()
    {
        Parallel.For(0, 400, i => Record($"ecs:Action{i}"));

        Assert.Equal(Enumerable.Range(0, 400).Select(i => $"ecs:Action{i}").Order(), Actions().Order());
        Assert.Equal(400, File.ReadAllLines(trail.FilePath).Length);
    }

    public void Dispose()
    {
        trail.Dispose();
        state.Dispose();
    }
}
