using Xunit.Sdk;

namespace Deploy.Testing.Botocore;

/// <summary>Assertions over validator results that print every violation in full.</summary>
public static class ModelAssert
{
    /// <summary>Fails with all violations, one per line, when there are any.</summary>
    public static void Conforms(IEnumerable<string> violations)
    {
        ArgumentNullException.ThrowIfNull(violations);
        var all = violations.ToList();
        if (all.Count > 0)
        {
            throw new XunitException($"{all.Count} model violation(s):{Environment.NewLine}{string.Join(Environment.NewLine, all)}");
        }
    }
}
