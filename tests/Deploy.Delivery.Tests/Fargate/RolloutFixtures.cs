using System.Text.Json;
using System.Text.Json.Nodes;
using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Tests.Quality;

namespace Deploy.Delivery.Tests.Fargate;

/// <summary>
/// Recorded DescribeServices sequences (<c>Fixtures/*.json</c>): the deployment we started, then per poll the response and
/// the verdict expected for it (state and a part of the summary).
/// </summary>
internal sealed record RolloutFixture(string Name, string Description, RolloutTarget Target, IReadOnlyList<RolloutStep> Steps)
{
    public static string Directory => Path.Combine(RepositoryRoot.Path, "tests", "Deploy.Delivery.Tests", "Fargate", "Fixtures");

    public static IEnumerable<string> Names => System.IO.Directory.GetFiles(Directory, "*.json").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal)!;

    public static RolloutFixture Load(string name)
    {
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(Directory, name + ".json")))!.AsObject();
        var steps = json["steps"]!.AsArray().Select(s => new RolloutStep(
            s!["response"]!.ToJsonString(),
            Enum.Parse<RolloutState>(s["expect"]!.GetValue<string>()),
            s["summary"]!.GetValue<string>())).ToList();
        return new RolloutFixture(
            name,
            json["description"]!.GetValue<string>(),
            new RolloutTarget(json["deploymentId"]?.GetValue<string>(), json["taskDefinitionArn"]!.GetValue<string>()),
            steps);
    }
}

/// <param name="Response">The DescribeServices response body as recorded.</param>
/// <param name="Expect">The verdict for it.</param>
/// <param name="Summary">A part of the verdict's summary.</param>
internal sealed record RolloutStep(string Response, RolloutState Expect, string Summary)
{
    public DescribeServicesResponse Parsed => JsonSerializer.Deserialize<DescribeServicesResponse>(Response, AwsJson.Options)!;
}
