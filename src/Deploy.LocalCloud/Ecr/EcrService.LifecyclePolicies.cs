using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecr;

/// <summary>Lifecycle policies: validated on put, applied after every push (see <see cref="EcrImageRecorder"/>).</summary>
internal sealed partial class EcrService
{
    private JsonObject PutLifecyclePolicy(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var text = request.RequiredString("lifecyclePolicyText");
        _ = LifecyclePolicy.Parse(text);
        store.Update(state => store.Repository(state, name).LifecyclePolicyText = text);
        var response = RepositoryScope(name);
        response["lifecyclePolicyText"] = text;
        return response;
    }

    private JsonObject GetLifecyclePolicy(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var (text, evaluatedAt) = store.Read(state =>
        {
            var repository = store.Repository(state, name);
            return (repository.LifecyclePolicyText, repository.LifecyclePolicyEvaluatedAt);
        });
        var response = RepositoryScope(name);
        response["lifecyclePolicyText"] = text ?? throw LifecyclePolicyNotFound(name);
        if (evaluatedAt is { } evaluated)
        {
            response["lastEvaluatedAt"] = Timestamp(evaluated);
        }

        return response;
    }

    private JsonObject DeleteLifecyclePolicy(JsonObject request)
    {
        var name = request.RequiredString("repositoryName");
        var text = store.Update(state =>
        {
            var repository = store.Repository(state, name);
            var previous = repository.LifecyclePolicyText ?? throw LifecyclePolicyNotFound(name);
            repository.LifecyclePolicyText = null;
            return previous;
        });
        var response = RepositoryScope(name);
        response["lifecyclePolicyText"] = text;
        return response;
    }

    private AwsServiceException LifecyclePolicyNotFound(string name) =>
        new("LifecyclePolicyNotFoundException",
            $"Lifecycle policy does not exist for the repository with name '{name}' in the registry with id '{store.AccountId}'");
}
