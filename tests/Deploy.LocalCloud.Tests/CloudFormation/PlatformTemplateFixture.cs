using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>
/// The platform template as ProvisionInfra renders it (copied from <c>artifacts/infra/template.json</c>; this project
/// cannot reference Deploy.Delivery). A cross-check test in Deploy.Delivery.Tests should keep the copy current.
/// </summary>
internal static class PlatformTemplateFixture
{
    public static string Path => System.IO.Path.Combine(AppContext.BaseDirectory, "CloudFormation", "Fixtures", "platform-template.json");

    public static JsonObject Load() => JsonNode.Parse(File.ReadAllText(Path))!.AsObject();

    /// <summary>Writes a variant of the template to <paramref name="directory"/> and returns its file:// argument for the aws CLI.</summary>
    public static string Write(string directory, JsonObject template, string name)
    {
        var path = System.IO.Path.Combine(directory, name);
        File.WriteAllText(path, template.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        return "file://" + path;
    }

    /// <summary>The --parameters argument filling the network parameters (the platform template has no default for them).</summary>
    public const string NetworkParameters =
        "[{\"ParameterKey\":\"VpcId\",\"ParameterValue\":\"vpc-0123456789abcdef0\"},"
        + "{\"ParameterKey\":\"SubnetIds\",\"ParameterValue\":\"subnet-0aaaaaaaaaaaaaaa1,subnet-0bbbbbbbbbbbbbbb2\"}]";
}
