using System.Reflection;

namespace Deploy.Engine;

/// <summary>
/// Discovers the <see cref="Target"/> properties of a build and resolves links between them.
/// A link is a delegate; each getter returns a fresh closure, so links are matched by the lambda's method.
/// </summary>
internal sealed class TargetCatalog
{
    private const BindingFlags InstanceMembers =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private readonly Dictionary<MethodInfo, string> namesByMethod;

    private TargetCatalog(IReadOnlyList<TargetNode> nodes, Dictionary<MethodInfo, string> namesByMethod)
    {
        Nodes = nodes;
        this.namesByMethod = namesByMethod;
    }

    /// <summary>Targets in declaration order.</summary>
    public IReadOnlyList<TargetNode> Nodes { get; }

    public string? NameOf(Target? target) =>
        target is not null && namesByMethod.TryGetValue(target.Method, out var name) ? name : null;

    public static TargetCatalog Discover(BuildBase build, IReadOnlyList<ParameterMember> parameters)
    {
        var properties = TargetProperties(build.GetType());
        CheckDuplicates(properties.Select(p => p.Name));

        var definitions = new List<TargetDefinition>();
        var namesByMethod = new Dictionary<MethodInfo, string>();
        foreach (var property in properties)
        {
            var target = (Target?)property.GetValue(build)
                ?? throw new BuildConfigurationException($"Target {property.Name} returns null.");
            namesByMethod[target.Method] = property.Name;
            var definition = new TargetDefinition(property.Name);
            target(definition);
            definitions.Add(definition);
        }

        var links = new LinkTable(namesByMethod);
        foreach (var definition in definitions)
        {
            var name = definition.Name;
            links.Add(name, definition.DependsOnTargets, LinkKind.DependsOn, reverse: false);
            links.Add(name, definition.DependentForTargets, LinkKind.DependsOn, reverse: true);
            links.Add(name, definition.AfterTargets, LinkKind.After, reverse: false);
            links.Add(name, definition.BeforeTargets, LinkKind.After, reverse: true);
            links.Add(name, definition.TriggersTargets, LinkKind.Triggers, reverse: false);
            links.Add(name, definition.TriggeredByTargets, LinkKind.Triggers, reverse: true);
        }

        var nodes = definitions.Select((definition, order) => new TargetNode(definition.Name, order)
        {
            Description = definition.DescriptionText,
            DependsOn = links.Get(definition.Name, LinkKind.DependsOn),
            After = links.Get(definition.Name, LinkKind.After),
            Triggers = links.Get(definition.Name, LinkKind.Triggers),
            StaticConditions = definition.StaticConditions,
            DynamicConditions = definition.DynamicConditions,
            Requirements = [.. definition.Requirements.Select(r => ToRequirement(r, parameters))],
            WhenSkipped = definition.SkipBehavior,
            ProceedAfterFailure = definition.Proceeds,
            AssuredAfterFailure = definition.Assured,
            Unlisted = definition.IsUnlisted,
            Actions = definition.Actions,
        }).ToList();
        return new TargetCatalog(nodes, namesByMethod);
    }

    /// <summary>Target properties in declaration order (metadata token), base classes first.</summary>
    public static IReadOnlyList<PropertyInfo> TargetProperties(Type buildType) =>
    [
        .. ParameterMember.TypeHierarchy(buildType).SelectMany(type => type
            .GetProperties(InstanceMembers)
            .Where(p => p.PropertyType == typeof(Target) && p.GetIndexParameters().Length == 0)
            .Where(p => p.GetMethod is not null && p.GetMethod.GetBaseDefinition().DeclaringType != typeof(BuildBase))
            .OrderBy(p => p.MetadataToken)),
    ];

    public static void CheckDuplicates(IEnumerable<string> names)
    {
        var duplicate = names.GroupBy(NameMatcher.Normalize, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BuildConfigurationException(
                $"Duplicate target names: {string.Join(" and ", duplicate.Select(n => $"'{n}'"))} differ only in case, dashes or underscores.");
        }
    }

    private static Requirement ToRequirement(DeclaredRequirement requirement, IReadOnlyList<ParameterMember> parameters)
    {
        if (requirement.IsCondition)
            return new Requirement($"condition {requirement.Text}", () => (bool)requirement.Value()!);

        // `() => Region` names the parameter member itself: say how to set it.
        var parameter = parameters.FirstOrDefault(p => p.Member.Name == requirement.Text);
        var description = parameter is null
            ? $"{requirement.Text} to be set"
            : $"parameter {parameter.Name} ({parameter.OptionName} or environment {parameter.EnvironmentName})";
        return new Requirement(description, () => HasValue(requirement.Value()));
    }

    private static bool HasValue(object? value) => value switch
    {
        null => false,
        string text => !string.IsNullOrWhiteSpace(text),
        System.Collections.ICollection collection => collection.Count > 0,
        _ => true,
    };
}
