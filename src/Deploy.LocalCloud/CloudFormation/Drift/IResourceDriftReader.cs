using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation.Drift;

/// <summary>
/// Reads one resource type's actual configuration from the service that holds it, for drift detection. A type without a
/// reader is not checked (its resources keep <c>NOT_CHECKED</c>, as AWS does for types that do not support drift).
/// Register with <c>services.AddSingleton&lt;IResourceDriftReader, MyReader&gt;()</c> (see <see cref="DriftRegistration"/>).
/// </summary>
internal interface IResourceDriftReader
{
    /// <summary>The template type, e.g. <c>AWS::ECR::Repository</c>.</summary>
    string ResourceType { get; }

    /// <summary>
    /// The resource's actual properties in the template's shape, or null when it no longer exists (drift <c>DELETED</c>).
    /// Return only the properties the service can tell cheaply: the detector compares those of them the template sets
    /// (<paramref name="expected"/>, resolved) and leaves the others as expected.
    /// </summary>
    JsonObject? ReadActual(string physicalId, JsonObject expected);
}
