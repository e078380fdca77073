using System.Reflection;

namespace Deploy.Engine;

/// <summary>A <see cref="ParameterAttribute"/> member of the build, readable and writable by reflection.</summary>
internal sealed class ParameterMember
{
    private const BindingFlags InstanceMembers =
        BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;

    private readonly FieldInfo? field;
    private readonly PropertyInfo? property;
    private string? normalizedName;
    private string? normalizedMemberName;

    private ParameterMember(MemberInfo member, ParameterAttribute attribute)
    {
        Member = member;
        MemberName = member.Name;
        Name = attribute.Name ?? member.Name;
        Description = attribute.Description;
        IsSecret = member.IsDefined(typeof(SecretAttribute));
        field = member as FieldInfo;
        property = member as PropertyInfo;
        Type = field?.FieldType ?? property!.PropertyType;

        // Get-only auto-properties are written through their backing field.
        if (property is { SetMethod: null })
            field = property.DeclaringType!.GetField($"<{property.Name}>k__BackingField", InstanceMembers);
    }

    public MemberInfo Member { get; }
    public string MemberName { get; }
    public string Name { get; }
    public string? Description { get; }
    public bool IsSecret { get; }
    public Type Type { get; }
    public string OptionName => "--" + NameMatcher.ToKebab(Name);
    public string EnvironmentName => NameMatcher.ToEnvironment(Name);

    /// <summary>The value before binding (the initializer).</summary>
    public object? DefaultValue { get; set; }

    /// <summary>Where the current value came from, as shown in --help.</summary>
    public string Source { get; set; } = "default";

    public bool IsNamed(string name) => IsNormalizedName(NameMatcher.Normalize(name));

    /// <summary>Whether a name already normalized (<see cref="NameMatcher.Normalize"/>) names this parameter.</summary>
    public bool IsNormalizedName(string normalized) => normalized == NormalizedName || normalized == NormalizedMemberName;

    /// <summary>The normalized spellings, computed once: every option, variable and JSON key is matched against them.</summary>
    public string NormalizedName => normalizedName ??= NameMatcher.Normalize(Name);

    public string NormalizedMemberName => normalizedMemberName ??= NameMatcher.Normalize(MemberName);

    public object? GetValue(object build) => property is not null ? property.GetValue(build) : field!.GetValue(build);

    public void SetValue(object build, object? value)
    {
        if (property?.SetMethod is not null)
            property.SetValue(build, value);
        else if (field is not null)
            field.SetValue(build, value);
        else
            throw new BuildConfigurationException($"Parameter {Name} cannot be set: make it a field or an auto-property.");
    }

    /// <summary>Parameters in declaration order, base classes first.</summary>
    public static IReadOnlyList<ParameterMember> Discover(Type buildType)
    {
        var members = new List<ParameterMember>();
        foreach (var type in TypeHierarchy(buildType))
        {
            // Fields, then properties: the order GetMembers sorted by metadata token gives (the field table comes first),
            // without materialising every method of a build class with a hundred targets.
            var fieldsThenProperties = type.GetFields(InstanceMembers).OrderBy(f => f.MetadataToken).Cast<MemberInfo>()
                .Concat(type.GetProperties(InstanceMembers).OrderBy(p => p.MetadataToken));
            foreach (var member in fieldsThenProperties)
            {
                if (member.IsDefined(typeof(ParameterAttribute), inherit: true) && member.GetCustomAttribute<ParameterAttribute>() is { } attribute)
                    members.Add(new ParameterMember(member, attribute));
            }
        }

        return members;
    }

    internal static IEnumerable<Type> TypeHierarchy(Type buildType)
    {
        var types = new Stack<Type>();
        for (var type = buildType; type is not null && type != typeof(BuildBase); type = type.BaseType)
            types.Push(type);
        return types;
    }
}
