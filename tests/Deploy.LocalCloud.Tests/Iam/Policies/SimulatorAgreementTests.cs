using System.Diagnostics;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Iam.Policies;
using Deploy.Testing.Iam;
using Xunit.Abstractions;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// Our evaluator against <c>@cloud-copilot/iam-simulate</c> on the same policies and requests: IAM's documented
/// examples and a corpus generated from the platform template's roles. One node process evaluates the whole corpus.
/// </summary>
public sealed class SimulatorAgreementTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Our_decisions_equal_the_simulators_on_the_documented_examples_and_the_template_corpus()
    {
        var documented = DocumentedExamples.All().Where(c => c.ForOracle).ToList();
        var generated = TemplateCorpus.Generate();
        var corpus = documented.Concat(generated).Select((c, i) => (Id: i.ToString(System.Globalization.CultureInfo.InvariantCulture), Case: c)).ToList();

        var clock = Stopwatch.StartNew();
        var verdicts = await IamOracles.SimulateAsync(new JsonArray([.. corpus.Select(c => (JsonNode)ToJson(c.Id, c.Case))]));
        var simulated = clock.Elapsed;

        clock.Restart();
        var ours = corpus.ToDictionary(c => c.Id, c => c.Case.Evaluate().Decision);
        var evaluated = clock.Elapsed;

        var problems = new List<string>();
        foreach (var (id, example) in corpus)
        {
            var (decision, detail) = verdicts[id];
            var expected = decision switch
            {
                "Allowed" => PolicyDecision.Allow,
                "ExplicitlyDenied" => PolicyDecision.ExplicitDeny,
                "ImplicitlyDenied" => PolicyDecision.ImplicitDeny,
                _ => (PolicyDecision?)null,
            };
            if (expected is null || detail.Length > 0)
            {
                // The simulator refused the case or evaluated another request (keys it drops): the corpus is wrong.
                problems.Add($"{example.Name}: simulator {decision} {detail}");
            }
            else if (expected != ours[id])
            {
                problems.Add($"{example.Name}: ours {ours[id]}, simulator {expected}");
            }
        }

        var decisions = ours.Values.GroupBy(d => d).Select(g => $"{g.Key} {g.Count()}");
        output.WriteLine($"corpus: {corpus.Count} cases ({documented.Count} documented, {generated.Count} from the template): {string.Join(", ", decisions)}");
        output.WriteLine($"agreement: {corpus.Count - problems.Count}/{corpus.Count}; simulator {simulated.TotalSeconds:F1} s (node, install included), ours {evaluated.TotalMilliseconds:F0} ms");
        Assert.True(problems.Count == 0, $"{problems.Count} of {corpus.Count} cases differ:\n" + string.Join('\n', problems.OrderBy(p => p.Contains("simulator Error", StringComparison.Ordinal)).Take(60)));
    }

    private static JsonObject ToJson(string id, PolicyCase example) => new()
    {
        ["id"] = id,
        ["policies"] = new JsonArray([.. example.Documents.Select((d, i) => (JsonNode)new JsonObject { ["name"] = $"policy{i}", ["document"] = d })]),
        ["principal"] = example.Principal,
        ["action"] = example.Action,
        ["resource"] = example.Resource,
        ["context"] = new JsonObject(example.Context.GroupBy(p => p.Key)
            .Select(g => KeyValuePair.Create(g.Key, (JsonNode?)new JsonArray([.. g.Select(p => (JsonNode)p.Value)])))),
    };
}
