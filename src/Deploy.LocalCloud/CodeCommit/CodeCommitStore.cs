using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>Repository metadata (<c>codecommit.json</c>), shared by the API and the git endpoint.</summary>
internal sealed class CodeCommitStore(LocalCloudOptions options)
{
    public JsonStateFile<NamedItemsState> File { get; } = new(options.StateDirectory, "codecommit.json");

    /// <summary>The repository's id, or null when no repository has that name.</summary>
    public string? RepositoryId(string name) =>
        File.Read(state => state.Items.GetValueOrDefault(name) is JsonObject record ? record["repositoryId"]!.GetValue<string>() : null);
}
