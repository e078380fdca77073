namespace Deploy.Engine;

/// <summary>
/// Marks a field or property of the build as a parameter, bound from <c>--kebab-case</c> arguments,
/// environment variables and <c>.nuke/parameters*.json</c>. The initializer value is the default.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class ParameterAttribute(string? description = null) : Attribute
{
    /// <summary>Text shown in <c>--help</c> and the schema.</summary>
    public string? Description { get; } = description;

    /// <summary>Overrides the member name as the parameter name.</summary>
    public string? Name { get; set; }
}

/// <summary>Marks a parameter whose value is masked as <c>***</c> in all output.</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property)]
public sealed class SecretAttribute : Attribute;
