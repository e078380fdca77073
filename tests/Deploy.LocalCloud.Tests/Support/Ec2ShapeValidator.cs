using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// EC2's query dialect differs from the other query services (no Result element, members named by their
/// <c>locationName</c>, list items named <c>item</c>, errors as <c>Response/Errors/Error</c>), so its responses
/// are checked here against botocore's ec2 model; everything else goes to <see cref="BotocoreShapeValidator"/>.
/// </summary>
public static class Ec2ShapeValidator
{
    public static IEnumerable<string> Validate(ApiExchange exchange)
    {
        if (exchange.Protocol != "ec2")
        {
            return BotocoreShapeValidator.Validate(exchange);
        }

        var where = $"ec2.{exchange.Operation} ({exchange.StatusCode})";
        var problems = new List<string>();
        var root = XDocument.Parse(exchange.ResponseBody).Root!;
        if (exchange.StatusCode != 200)
        {
            var error = root.Element("Errors")?.Element("Error");
            Check(root.Name.LocalName == "Response" && error?.Element("Code") is not null && error.Element("Message") is not null && root.Element("RequestID") is not null,
                problems, $"{where}: not an EC2 error document");
            return problems;
        }

        var model = BotocoreModel.For("ec2")!;
        var operation = model.Operation(exchange.Operation);
        if (operation is null)
        {
            return [$"{where}: operation unknown to botocore"];
        }

        Check(root.Name.LocalName == exchange.Operation + "Response", problems, $"{where}: root element {root.Name.LocalName}");
        var output = operation["output"]?["shape"]?.GetValue<string>();
        if (output is not null)
        {
            var members = Members(model, output);
            foreach (var child in root.Elements().Where(e => e.Name.LocalName != "requestId"))
            {
                if (Check(members.TryGetValue(child.Name.LocalName, out var shape), problems, $"{where}: {child.Name.LocalName} not a member of {output}"))
                {
                    ValidateXml(model, child, shape!, child.Name.LocalName, problems);
                }
            }
        }

        return problems.Select(p => p.StartsWith(where, StringComparison.Ordinal) ? p : $"{where}: {p}");
    }

    private static Dictionary<string, string> Members(BotocoreModel model, string shapeName) =>
        model.Shape(shapeName)["members"]!.AsObject().ToDictionary(
            m => m.Value!["locationName"]?.GetValue<string>() ?? LowerFirst(m.Key),
            m => m.Value!["shape"]!.GetValue<string>(),
            StringComparer.Ordinal);

    private static string LowerFirst(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static void ValidateXml(BotocoreModel model, XElement element, string shapeName, string path, List<string> problems)
    {
        var shape = model.Shape(shapeName);
        var text = element.Value;
        switch (shape["type"]!.GetValue<string>())
        {
            case "structure":
                var members = Members(model, shapeName);
                foreach (var child in element.Elements())
                {
                    if (Check(members.TryGetValue(child.Name.LocalName, out var member), problems, $"{path}/{child.Name.LocalName}: not a member of {shapeName}"))
                    {
                        ValidateXml(model, child, member!, $"{path}/{child.Name.LocalName}", problems);
                    }
                }

                break;
            case "list":
                var itemName = shape["member"]!["locationName"]?.GetValue<string>() ?? "item";
                foreach (var item in element.Elements())
                {
                    Check(item.Name.LocalName == itemName, problems, $"{path}: list item named {item.Name.LocalName}");
                    ValidateXml(model, item, shape["member"]!["shape"]!.GetValue<string>(), $"{path}/{itemName}", problems);
                }

                break;
            case "string":
                if (shape["enum"] is JsonArray values)
                {
                    Check(values.Any(v => v!.GetValue<string>() == text), problems, $"{path}: '{text}' not in enum {shapeName}");
                }

                break;
            case "integer" or "long":
                Check(long.TryParse(text, CultureInfo.InvariantCulture, out _), problems, $"{path}: '{text}' is not an integer");
                break;
            case "boolean":
                Check(text is "true" or "false", problems, $"{path}: '{text}' is not a boolean");
                break;
            default:
                break;
        }
    }

    private static bool Check(bool condition, List<string> problems, string problem)
    {
        if (!condition)
        {
            problems.Add(problem);
        }

        return condition;
    }
}

/// <summary>The botocore check over every recorded response, with EC2's dialect handled by <see cref="Ec2ShapeValidator"/>.</summary>
public static class TestCloudShapeExtensions
{
    public static void AssertAllResponsesMatchBotocore(this TestCloud cloud)
    {
        Assert.NotEmpty(cloud.Responses);
        var problems = cloud.Responses.SelectMany(Ec2ShapeValidator.Validate).Distinct().ToList();
        Assert.True(problems.Count == 0, "Responses not matching botocore:\n" + string.Join('\n', problems));
    }
}
