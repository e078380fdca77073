using Deploy.Delivery.Infra;
using Deploy.Delivery.Tests.Quality;

namespace Deploy.Delivery.Tests.Infra;

public sealed class LocalCloudFixtureTests
{
    [Fact]
    public void The_local_clouds_platform_template_fixture_is_what_ProvisionInfra_renders_today()
    {
        // The local cloud's CloudFormation tests deploy a copy of the platform template; a stale copy would prove
        // the emulator against a template nobody ships. Refresh: ./build.sh ProvisionInfra --plan-only, then copy
        // artifacts/infra/template.json over the fixture.
        var fixture = Path.Combine(RepositoryRoot.Path, "tests", "Deploy.LocalCloud.Tests", "CloudFormation", "Fixtures", "platform-template.json");

        Assert.Equal(PlatformTemplate.Render(new PlatformSettings()), File.ReadAllText(fixture));
    }
}
