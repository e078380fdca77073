using System.Text.Json.Nodes;
using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Files;
using Deploy.Engine;

namespace Deploy.Delivery.Infra;

/// <summary>Reads and records the outputs of the platform stack.</summary>
public static class PlatformStackOutputs
{
    /// <summary>Where ProvisionInfra writes the outputs, relative to the repository root.</summary>
    public const string DefaultOutputsRelativePath = "artifacts/infra/outputs.json";

    /// <summary>
    /// The outputs of an existing stack, without changing anything (CodeBuild, or when ProvisionInfra is skipped).
    /// A missing stack or one without the outputs fails with one line saying to run ProvisionInfra.
    /// </summary>
    public static async Task<PlatformOutputs> ReadOutputsAsync(CloudFormationClient cloudFormation, string stackName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cloudFormation);
        var stack = await cloudFormation.FindStackAsync(stackName, cancellationToken)
            ?? throw new BuildFailedException($"The platform stack '{stackName}' does not exist; run ProvisionInfra first.");
        if (stack.StackStatus == "REVIEW_IN_PROGRESS" || StackStatuses.IsInProgress(stack.StackStatus))
        {
            throw new BuildFailedException($"The platform stack '{stackName}' is {stack.StackStatus}; wait for it (or run ProvisionInfra, which waits) and try again.");
        }

        try
        {
            return PlatformOutputs.Parse(OutputsOf(stack));
        }
        catch (PlatformOutputsException e)
        {
            throw new BuildFailedException($"Stack '{stackName}' ({stack.StackStatus}): {e.Message}", e);
        }
    }

    /// <summary>OutputKey → OutputValue of a described stack.</summary>
    public static IReadOnlyDictionary<string, string> OutputsOf(StackDescription stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return (stack.Outputs ?? [])
            .Where(o => o.OutputKey is not null && o.OutputValue is not null)
            .ToDictionary(o => o.OutputKey!, o => o.OutputValue!, StringComparer.Ordinal);
    }

    /// <summary>Writes the outputs as one JSON object, keys sorted, UTF-8 without BOM, LF line ends.</summary>
    public static void WriteOutputs(IReadOnlyDictionary<string, string> outputs, string path)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var json = new JsonObject();
        foreach (var (key, value) in outputs.OrderBy(o => o.Key, StringComparer.Ordinal))
        {
            json[key] = value;
        }

        AtomicFile.WriteAllText(path, CloudFormationJson.Indented(json));
    }
}
