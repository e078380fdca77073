using System.Security.Cryptography;
using System.Text;
using Deploy.Delivery.Machine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.LocalCloud;

/// <summary>
/// The containers one local cloud runs for ECS tasks carry <c>deploy.local-cloud=&lt;hash of its state directory&gt;</c>
/// (src/Deploy.LocalCloud/Docker/ContainerLabels.cs); LocalCloudDown removes only those, never another instance's.
/// </summary>
public static class LocalCloudContainers
{
    public const string Label = "deploy.local-cloud";

    /// <summary>The label value of the instance with this state directory (the same hash the local cloud computes).</summary>
    public static string OwnerValue(string stateDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory).TrimEnd('/'))))[..16];

    public static async Task<int> RemoveAllAsync(Uri dockerEndpoint, string stateDirectory, CancellationToken cancellationToken)
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
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["label"] = new Dictionary<string, bool> { [$"{Label}={OwnerValue(stateDirectory)}"] = true },
            },
        }, cancellationToken);
        foreach (var container in containers)
        {
            await docker.Containers.RemoveContainerAsync(container.ID, new ContainerRemoveParameters { Force = true }, cancellationToken);
        }

        return containers.Count;
    }
}
