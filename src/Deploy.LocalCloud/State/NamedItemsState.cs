using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.State;

/// <summary>State of a service that keeps whole API documents by name (CodeCommit, CodeBuild, CodePipeline, EventBridge).</summary>
internal sealed class NamedItemsState
{
    public Dictionary<string, JsonObject> Items { get; set; } = new(StringComparer.Ordinal);
}
