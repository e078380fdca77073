using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// A corpus generated from the platform template's roles (<c>CloudFormation/Fixtures/platform-template.json</c>): their
/// inline policies with the template's intrinsic functions resolved to the ARNs a deploy gives them, and, for every
/// statement's every action and resource, requests by each role to that resource and to near misses of it (another
/// account, region, name, the name's case), with each condition key matching, not matching and absent; plus each
/// statement turned into a Deny beside the role's own policies.
/// </summary>
public static partial class TemplateCorpus
{
    private const string Account = PolicyCase.Account;
    private const string Region = "us-east-1";

    public static IReadOnlyList<PolicyCase> Generate()
    {
        var template = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "CloudFormation", "Fixtures", "platform-template.json")))!.AsObject();
        var resolver = new Resolver(template);
        var roles = template["Resources"]!.AsObject()
            .Where(r => r.Value!["Type"]!.GetValue<string>() == "AWS::IAM::Role")
            .ToDictionary(r => r.Key, r => (r.Value!["Properties"]!["Policies"] as JsonArray ?? [])
                .Select(p => resolver.Resolve(p!["PolicyDocument"]!)!.ToJsonString()).ToList());
        var statements = roles.Values.SelectMany(documents => documents).SelectMany(Statements).ToList();

        var cases = new List<PolicyCase>();
        foreach (var (role, documents) in roles)
        {
            var principal = $"arn:aws:sts::{Account}:assumed-role/{role}/session";
            foreach (var statement in statements)
            {
                cases.AddRange(Requests(statement, $"{role} ", documents, principal));
            }

            foreach (var statement in documents.SelectMany(Statements))
            {
                var deny = statement.DeepClone().AsObject();
                deny["Effect"] = "Deny";
                var withDeny = documents.Append(new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray(deny) }.ToJsonString()).ToList();
                cases.AddRange(Requests(statement, $"{role} with a deny of ", withDeny, principal));
            }
        }

        return cases;
    }

    private static IEnumerable<JsonObject> Statements(string document) =>
        JsonNode.Parse(document)!["Statement"]!.AsArray().Select(s => s!.AsObject());

    private static IEnumerable<PolicyCase> Requests(JsonObject statement, string label, List<string> documents, string principal)
    {
        var sid = statement["Sid"]?.GetValue<string>() ?? "statement";
        foreach (var action in Values(statement["Action"]))
        {
            foreach (var pattern in Values(statement["Resource"]))
            {
                foreach (var resource in Resources(pattern))
                {
                    foreach (var (contextName, context) in Contexts(statement["Condition"] as JsonObject))
                    {
                        yield return new PolicyCase($"{label}{sid}: {action} on {resource}{contextName}", documents, action, resource, context, Principal: principal);
                    }
                }
            }
        }
    }

    /// <summary>A resource the pattern names (wildcards filled in) and its near misses; <c>*</c> stays <c>*</c> (actions without resource-level permissions).</summary>
    private static IEnumerable<string> Resources(string pattern)
    {
        if (pattern == "*")
        {
            yield return "*";
            yield break;
        }

        // A log group's "name:*" covers its streams; a task definition is named with its revision.
        var concrete = pattern.Replace(":*", ":log-stream:x1", StringComparison.Ordinal).Replace("*", "x1", StringComparison.Ordinal).Replace('?', 'q');
        if (concrete.Contains(":task-definition/", StringComparison.Ordinal) && concrete.Split(':').Length == 6)
        {
            concrete += ":7";
        }

        yield return concrete;
        yield return concrete.Replace($":{Account}:", ":111122223333:", StringComparison.Ordinal);
        if (concrete.Contains($":{Region}:", StringComparison.Ordinal))
        {
            yield return concrete.Replace($":{Region}:", ":eu-west-1:", StringComparison.Ordinal);
        }

        var name = concrete.LastIndexOfAny(['/', ':']) + 1;
        yield return concrete[..name] + char.ToUpperInvariant(concrete[name]) + concrete[(name + 1)..];
        yield return concrete + "-other";
    }

    /// <summary>For a condition: each key's first listed value, another value, and the key absent; no condition: no keys.</summary>
    private static IEnumerable<(string Name, KeyValuePair<string, string>[] Context)> Contexts(JsonObject? condition)
    {
        if (condition is null)
        {
            yield return (string.Empty, []);
            yield break;
        }

        var keys = condition.SelectMany(op => op.Value!.AsObject().Select(key => (Key: key.Key, Value: Values(key.Value).First()))).ToList();
        yield return (" (conditions met)", [.. keys.Select(k => KeyValuePair.Create(k.Key, k.Value))]);
        yield return (" (other values)", [.. keys.Select(k => KeyValuePair.Create(k.Key, "other-" + k.Value))]);
        yield return (" (keys absent)", []);
    }

    private static IEnumerable<string> Values(JsonNode? node) => node switch
    {
        JsonArray array => array.Select(v => v!.GetValue<string>()),
        JsonValue value => [value.GetValue<string>()],
        _ => [],
    };

    /// <summary>The template's Ref, Fn::GetAtt (Arn) and Fn::Sub, with the physical names and ARNs a stack "platform" would give.</summary>
    private sealed partial class Resolver(JsonObject template)
    {
        private readonly JsonObject resources = template["Resources"]!.AsObject();

        public JsonNode? Resolve(JsonNode? node) => node switch
        {
            JsonObject o when o.ContainsKey("Ref") => Ref(o["Ref"]!.GetValue<string>()),
            JsonObject o when o.ContainsKey("Fn::GetAtt") => Arn(o["Fn::GetAtt"]![0]!.GetValue<string>()),
            JsonObject o when o.ContainsKey("Fn::Sub") => Sub(o["Fn::Sub"]!.GetValue<string>()),
            JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Resolve(p.Value)))),
            JsonArray a => new JsonArray([.. a.Select(Resolve)]),
            _ => node?.DeepClone(),
        };

        private string Sub(string text) => Placeholder().Replace(text, m =>
            m.Groups[1].Value.EndsWith(".Arn", StringComparison.Ordinal) ? Arn(m.Groups[1].Value[..^4]) : Ref(m.Groups[1].Value));

        private string Ref(string name) => name switch
        {
            "AWS::AccountId" => Account,
            "AWS::Region" => Region,
            "AWS::Partition" => "aws",
            "AWS::StackName" => "platform",
            "AWS::StackId" => $"arn:aws:cloudformation:{Region}:{Account}:stack/platform/6e1b2c40-0d1f-11ef-9a6b-0a1b2c3d4e5f",
            _ when template["Parameters"]?[name] is { } parameter => parameter["Default"]!.GetValue<string>(),
            _ => PhysicalName(name),
        };

        private string PhysicalName(string logicalId)
        {
            var properties = resources[logicalId]!["Properties"] as JsonObject;
            foreach (var property in new[] { "RepositoryName", "ClusterName", "LogGroupName", "Name", "BucketName", "RoleName" })
            {
                if (properties?[property] is { } value)
                {
                    return Resolve(value)!.GetValue<string>();
                }
            }

            return "platform-" + logicalId.ToLowerInvariant();
        }

        private string Arn(string logicalId)
        {
            var name = PhysicalName(logicalId);
            return resources[logicalId]!["Type"]!.GetValue<string>() switch
            {
                "AWS::ECR::Repository" => $"arn:aws:ecr:{Region}:{Account}:repository/{name}",
                "AWS::Logs::LogGroup" => $"arn:aws:logs:{Region}:{Account}:log-group:{name}:*",
                "AWS::S3::Bucket" => $"arn:aws:s3:::{name}",
                "AWS::CodeCommit::Repository" => $"arn:aws:codecommit:{Region}:{Account}:{name}",
                "AWS::CodeBuild::Project" => $"arn:aws:codebuild:{Region}:{Account}:project/{name}",
                "AWS::IAM::Role" => $"arn:aws:iam::{Account}:role/{name}",
                var type => throw new InvalidOperationException($"No ARN format for {type} ({logicalId})"),
            };
        }

        [GeneratedRegex(@"\$\{([^}]+)\}")]
        private static partial Regex Placeholder();
    }
}
