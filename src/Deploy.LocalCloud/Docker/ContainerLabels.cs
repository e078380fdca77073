using System.Security.Cryptography;
using System.Text;

namespace Deploy.LocalCloud.Docker;

/// <summary>
/// Labels on every container the local cloud starts. <c>deploy.local-cloud</c> carries a hash of the state
/// directory, so one instance only adopts (and a LocalCloudDown only removes) its own containers.
/// </summary>
internal static class ContainerLabels
{
    public const string Owner = "deploy.local-cloud";
    public const string Cluster = "deploy.local-cloud.cluster";
    public const string Service = "deploy.local-cloud.service";
    public const string Task = "deploy.local-cloud.task-arn";
    public const string Container = "deploy.local-cloud.container-name";
    public const string Build = "deploy.local-cloud.codebuild-build-id";

    public static string OwnerValue(string stateDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(stateDirectory).TrimEnd('/'))))[..16];
}
