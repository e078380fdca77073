using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Protocols;

/// <summary>A JSON 1.1 service, selected by the prefix of the X-Amz-Target header.</summary>
internal interface IJsonApiService
{
    /// <summary>The X-Amz-Target prefix, e.g. <c>AmazonEC2ContainerRegistry_V20150921</c>.</summary>
    string TargetPrefix { get; }

    /// <summary>Signing name from the SigV4 credential scope, e.g. <c>ecr</c>.</summary>
    string SigningName { get; }

    /// <summary>Runs one operation; throws <see cref="AwsServiceException"/> for AWS errors.</summary>
    JsonObject Handle(string operation, JsonObject request);
}
