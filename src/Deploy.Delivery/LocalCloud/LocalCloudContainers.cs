using Deploy.Delivery.Machine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.LocalCloud;

/// <summary>The containers the local cloud runs for ECS tasks carry this label; LocalCloudDown removes them.</summary>
public static class LocalCloudContainers
{
    public const string Label = "deploy.local-cloud";

    public static async Task<int> RemoveAllAsync(Uri dockerEndpoint, CancellationToken cancellationToken)
    {
        if (!await DockerEngine.AnswersAsync(dockerEndpoint, cancellationToken))
        {
            return 0; // no engine, no containers
        }

        using var configuration = new DockerClientConfiguration(dockerEndpoint);
        using var docker = configuration.CreateClient();
        var containers = await docker.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [Label] = true } },
        }, cancellationToken);
        foreach (var container in containers)
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }

        return containers.Count;
    }
}
