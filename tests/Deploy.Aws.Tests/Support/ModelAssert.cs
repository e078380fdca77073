using Xunit.Sdk;

namespace Deploy.Aws.Tests.Support;

/// <summary>Assertions over validator results that print every violation in full.</summary>
public static class ModelAssert
{
    /// <summary>Fails with all violations, one per line, when there are any.</summary>
    public static void Conforms(IReadOnlyList<string> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        if (violations.Count > 0)
        {
            throw new XunitException($"{violations.Count} model violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");
        }
    }

    /// <summary>Validates a captured request against the service's model and fails on any violation.</summary>
    public static void Conforms(string service, CapturedRequest request) => Conforms(BotocoreModels.ValidateRequest(service, request));
}
