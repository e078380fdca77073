using System.Globalization;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.CloudFormation.Drift;

/// <summary>
/// Compares a resource's expected properties (the template's, resolved) with what its service reports, as CloudFormation's
/// drift detection does: only properties the template sets are checked; paths are JSON pointers below <c>Properties</c>
/// (<c>/ImageTagMutability</c>, <c>/ClusterSettings/0/Value</c>); an extra list item is <c>ADD</c>, a missing one or a
/// missing property <c>REMOVE</c>, a different value <c>NOT_EQUAL</c>. Scalars compare by their text (the template's
/// <c>30</c> equals the service's <c>"30"</c>, as AWS treats numbers and booleans from templates).
/// </summary>
internal static class PropertyDrift
{
    public static List<PropertyDifferenceRecord> Differences(JsonObject expected, JsonObject actual)
    {
        var differences = new List<PropertyDifferenceRecord>();
        foreach (var (name, value) in expected)
        {
            if (actual.ContainsKey(name))
            {
                Compare("/" + Escape(name), value, actual[name], differences);
            }
        }

        return differences;
    }

    /// <summary>The expected properties with the values the service reported for the properties it reads.</summary>
    public static JsonObject Actual(JsonObject expected, JsonObject actual)
    {
        var merged = expected.DeepClone().AsObject();
        foreach (var (name, value) in actual)
        {
            if (expected.ContainsKey(name))
            {
                merged[name] = value?.DeepClone();
            }
        }

        return merged;
    }

    private static void Compare(string path, JsonNode? expected, JsonNode? actual, List<PropertyDifferenceRecord> differences)
    {
        switch (expected)
        {
            case JsonObject expectedObject when actual is JsonObject actualObject:
                foreach (var (name, value) in expectedObject)
                {
                    var child = path + "/" + Escape(name);
                    if (!actualObject.ContainsKey(name) || actualObject[name] is null)
                    {
                        differences.Add(new PropertyDifferenceRecord(child, Text(value), "null", "REMOVE"));
                    }
                    else
                    {
                        Compare(child, value, actualObject[name], differences);
                    }
                }

                break;
            case JsonArray expectedList when actual is JsonArray actualList:
                for (var i = 0; i < Math.Max(expectedList.Count, actualList.Count); i++)
                {
                    var child = path + "/" + i.ToString(CultureInfo.InvariantCulture);
                    if (i >= actualList.Count)
                    {
                        differences.Add(new PropertyDifferenceRecord(child, Text(expectedList[i]), "null", "REMOVE"));
                    }
                    else if (i >= expectedList.Count)
                    {
                        differences.Add(new PropertyDifferenceRecord(child, "null", Text(actualList[i]), "ADD"));
                    }
                    else
                    {
                        Compare(child, expectedList[i], actualList[i], differences);
                    }
                }

                break;
            default:
                if (actual is null)
                {
                    differences.Add(new PropertyDifferenceRecord(path, Text(expected), "null", "REMOVE"));
                }
                else if (Text(expected) != Text(actual))
                {
                    differences.Add(new PropertyDifferenceRecord(path, Text(expected), Text(actual), "NOT_EQUAL"));
                }

                break;
        }
    }

    private static string Text(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        JsonValue value => value.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>JSON pointer escaping (RFC 6901).</summary>
    private static string Escape(string name) => name.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);
}
