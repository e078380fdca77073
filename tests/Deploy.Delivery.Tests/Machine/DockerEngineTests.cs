using Deploy.Delivery.Machine;

namespace Deploy.Delivery.Tests.Machine;

public sealed class DockerEngineTests
{
    private static readonly Uri Socket = new("unix:///var/run/docker.sock");

    [Fact]
    public void In_CodeBuild_a_missing_engine_means_the_project_is_not_privileged_and_nothing_is_installed()
    {
        var reason = DockerEngine.Unreachable(Socket, new Dictionary<string, string> { ["CODEBUILD_BUILD_ID"] = "app-build:1" }, canInstall: true);

        Assert.Equal(
            "No Docker Engine answers at unix:///var/run/docker.sock: this CodeBuild project must run in privileged mode (PrivilegedMode: true in its "
            + "environment; the platform's build project sets it) to build and push images.",
            reason);
    }

    [Fact]
    public void Elsewhere_the_engine_is_installed_when_this_machine_can_and_DOCKER_HOST_does_not_point_elsewhere()
    {
        Assert.Null(DockerEngine.Unreachable(Socket, new Dictionary<string, string>(), canInstall: true));
        Assert.StartsWith("No Docker Engine answers at tcp://10.0.0.1:2375/: start Docker",
            DockerEngine.Unreachable(new Uri("tcp://10.0.0.1:2375"), new Dictionary<string, string> { ["DOCKER_HOST"] = "tcp://10.0.0.1:2375" }, canInstall: true),
            StringComparison.Ordinal);
        Assert.NotNull(DockerEngine.Unreachable(Socket, new Dictionary<string, string>(), canInstall: false));
    }
}
