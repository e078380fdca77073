using Deploy.LocalCloud.Iam.Authorization;
using Deploy.Testing.Botocore;
using Deploy.Testing.Iam;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>The operation → IAM action table against AWS's own data: botocore's API models and the Service Authorization Reference.</summary>
public sealed class OperationActionsTests
{
    [Fact]
    public async Task Every_action_resource_type_ARN_and_condition_key_is_the_Service_Authorization_References()
    {
        var reference = await IamOracles.ActionsAsync(OperationActions.All.Select(e => e.Action).Distinct());

        var problems = new List<string>();
        foreach (var entry in OperationActions.All)
        {
            var action = reference[entry.Action]!;
            if (!action["exists"]!.GetValue<bool>())
            {
                problems.Add($"{entry.Action}: no such action");
                continue;
            }

            var types = action["resourceTypes"]!.AsArray();
            var keys = action["conditionKeys"]!.AsArray().Select(k => k!.GetValue<string>()).ToList();
            if (entry.ResourceType == "*")
            {
                if (types.Any(t => t!["required"]!.GetValue<bool>()))
                {
                    problems.Add($"{entry.Action}: has resource-level permissions, not *");
                }
            }
            else if (types.FirstOrDefault(t => t!["name"]!.GetValue<string>() == entry.ResourceType) is not { } type)
            {
                problems.Add($"{entry.Action}: no resource type {entry.ResourceType} (has {string.Join(", ", types.Select(t => t!["name"]))})");
            }
            else
            {
                if (type["arn"]!.GetValue<string>() != entry.ArnFormat)
                {
                    problems.Add($"{entry.Action}: {entry.ResourceType} is {type["arn"]}, not {entry.ArnFormat}");
                }

                keys.AddRange(type["conditionKeys"]!.AsArray().Select(k => k!.GetValue<string>()));
            }

            problems.AddRange(entry.ConditionKeys.Where(k => !keys.Contains(k)).Select(k => $"{entry.Action}: no condition key {k}"));
        }

        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    [Fact]
    public void Every_operation_named_is_one_of_the_services_API()
    {
        var missing = OperationActions.All
            .Where(e => e.Operation is not null && !BotocoreModels.Load(e.Service).Operations.Contains(e.Operation))
            .Select(e => $"{e.Service} {e.Operation}")
            .ToList();

        Assert.Empty(missing);
    }
}
