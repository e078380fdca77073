using System.Text.Json;

namespace Deploy.Delivery.LocalCloud;

/// <summary>What the build records about the local cloud process it started, so later builds can reuse or stop it.</summary>
public sealed record LocalCloudInstance(int ProcessId, int Port, string SourceHash)
{
    public static LocalCloudInstance? Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<LocalCloudInstance>(File.ReadAllText(path)) : null;
        }
        catch (JsonException)
        {
            return null; // a torn or hand-edited file is the same as none
        }
    }

    public void Write(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this));
}
