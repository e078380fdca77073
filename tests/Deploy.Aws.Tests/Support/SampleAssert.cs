using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Xunit.Sdk;

namespace Deploy.Aws.Tests.Support;

/// <summary>
/// Checks a response record read from <see cref="BotocoreModels.SampleResponse"/>: since the sample fills every
/// member, every settable property of the record (recursively, through lists and dictionaries) must be set, and a
/// string of the sample's <c>&lt;MemberName&gt;-&lt;n&gt;</c> form must carry the name of the property it landed
/// in (case-insensitive), which catches members read from the wrong element.
/// </summary>
public static partial class SampleAssert
{
    /// <summary>Fails listing every unset or misplaced property; <paramref name="ignore"/> takes property paths ("Stacks[0].Outputs") or names.</summary>
    public static void FullyMapped(object? record, params string[] ignore)
    {
        var problems = new List<string>();
        Walk(record, record?.GetType().Name ?? "(null)", null, problems, new HashSet<string>(ignore, StringComparer.Ordinal));
        if (problems.Count > 0)
        {
            throw new XunitException($"{problems.Count} member(s) lost in mapping the sample:{Environment.NewLine}{string.Join(Environment.NewLine, problems)}");
        }
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z]+)-\d+x*$")]
    private static partial Regex SampleString();

    private static void Walk(object? value, string path, string? propertyName, List<string> problems, HashSet<string> ignore)
    {
        switch (value)
        {
            case null:
                problems.Add($"{path}: null");
                return;

            case string text:
                {
                    var match = SampleString().Match(text);
                    if (propertyName is not null && match.Success &&
                        !Same(match.Groups["name"].Value, propertyName))
                    {
                        problems.Add($"{path}: holds '{text}', a value of member {match.Groups["name"].Value}");
                    }

                    return;
                }

            case bool flag:
                if (!flag)
                {
                    problems.Add($"{path}: false (samples set booleans true)");
                }

                return;

            case DateTimeOffset time:
                if (time == default)
                {
                    problems.Add($"{path}: default timestamp");
                }

                return;

            case Uri or Enum or int or long or double or float or decimal:
                return;

            case IDictionary dictionary:
                if (dictionary.Count == 0)
                {
                    problems.Add($"{path}: empty map");
                }

                foreach (DictionaryEntry entry in dictionary)
                {
                    Walk(entry.Value, $"{path}[{entry.Key}]", propertyName, problems, ignore);
                }

                return;

            case IEnumerable items:
                {
                    var index = 0;
                    foreach (var item in items)
                    {
                        Walk(item, $"{path}[{index++}]", propertyName, problems, ignore);
                    }

                    if (index == 0)
                    {
                        problems.Add($"{path}: empty list");
                    }

                    return;
                }

            default:
                break;
        }

        foreach (var property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is null || property.GetIndexParameters().Length > 0 || property.Name == "EqualityContract")
            {
                continue;
            }

            var childPath = $"{path}.{property.Name}";
            var relative = childPath[(childPath.IndexOf('.', StringComparison.Ordinal) + 1)..];
            if (ignore.Contains(property.Name) || ignore.Contains(relative))
            {
                continue;
            }

            Walk(property.GetValue(value), childPath, property.Name, problems, ignore);
        }
    }

    private static bool Same(string sampleName, string propertyName) =>
        string.Equals(sampleName, propertyName, StringComparison.OrdinalIgnoreCase);
}
