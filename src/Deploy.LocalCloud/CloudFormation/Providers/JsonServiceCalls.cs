using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CloudFormation.Providers;

/// <summary>
/// Lets providers call a JSON service's operations in process, so resources made by CloudFormation pass the same
/// validation and get the same errors as API calls.
/// </summary>
internal sealed class JsonServiceCalls(IServiceProvider services)
{
    public JsonObject Call(string targetPrefix, string operation, JsonObject request)
    {
        var service = services.GetServices<IJsonApiService>().FirstOrDefault(s => s.TargetPrefix == targetPrefix)
                      ?? throw new ResourceProviderException($"The local cloud has no {targetPrefix} service");
        return service.Handle(operation, request);
    }

    /// <summary>Runs a delete; "not found" means it is already gone, which is success for CloudFormation.</summary>
    public void Delete(string targetPrefix, string operation, JsonObject request)
    {
        try
        {
            Call(targetPrefix, operation, request);
        }
        catch (AwsServiceException failure) when (failure.Code.Contains("NotFound", StringComparison.Ordinal) || failure.Code == "RepositoryDoesNotExistException")
        {
            // Already gone.
        }
    }
}
