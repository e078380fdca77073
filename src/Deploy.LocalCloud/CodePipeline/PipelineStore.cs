using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>Pipeline declarations and their metadata by name (<c>codepipeline.json</c>): the API writes them, the executor reads them.</summary>
internal sealed class PipelineStore(LocalCloudOptions options)
{
    private readonly JsonStateFile<NamedItemsState> file = new(options.StateDirectory, "codepipeline.json");

    public TResult Read<TResult>(Func<NamedItemsState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<NamedItemsState, TResult> change) => file.Update(change);

    /// <summary>A copy of the stored <c>{pipeline, metadata}</c> document; <c>PipelineNotFoundException</c> when there is none.</summary>
    public JsonObject Get(string name) => Read(state => Find(state, name).DeepClone().AsObject());

    public JsonObject Find(NamedItemsState state, string name) =>
        state.Items.GetValueOrDefault(name)
        ?? throw new AwsServiceException("PipelineNotFoundException", $"Account '{options.AccountId}' does not have a pipeline with name '{name}'");
}
