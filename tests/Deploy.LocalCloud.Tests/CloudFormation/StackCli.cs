using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>Small aws CLI helpers for stack tests: templates as files, polling a stack to a final status.</summary>
internal static class StackCli
{
    public static string TemplateFile(TempDirectory directory, JsonObject template)
    {
        var path = Path.Combine(directory.Path, Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, template.ToJsonString());
        return "file://" + path;
    }

    /// <summary>Polls describe-stacks until the status no longer ends in _IN_PROGRESS (bounded), and returns the stack.</summary>
    public static async Task<JsonNode> SettledAsync(AwsCli cli, string stack)
    {
        for (var attempt = 0; attempt < 60; attempt++)
        {
            var described = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", stack))["Stacks"]![0]!;
            if (!described["StackStatus"]!.GetValue<string>().EndsWith("_IN_PROGRESS", StringComparison.Ordinal))
            {
                return described;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"stack {stack} did not settle");
    }

    public static async Task<JsonArray> EventsAsync(AwsCli cli, string stack) =>
        (await cli.JsonAsync("cloudformation", "describe-stack-events", "--stack-name", stack))["StackEvents"]!.AsArray();
}
