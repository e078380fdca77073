using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.Build.Tests.Release;

/// <summary>
/// Least privilege, by mutation: the first release ran under IAM enforcement (each actor as the role the platform
/// template gives it), and its decision trail is replayed with each statement of each role removed in turn. A statement
/// whose removal denies no recorded call is needed by no part of the release: it must be removed from the template or
/// named below with the reason it stays.
/// </summary>
public sealed partial class ReleaseEndToEndTests
{
    /// <summary>Statements (role's logical id / Sid) the release does not exercise on the local cloud, and why they stay.</summary>
    private static readonly Dictionary<string, string> NeededBeyondTheLocalRelease = new(StringComparer.Ordinal)
    {
        // AWS's documented policy for CodePipeline's ECS deploy action; the local action does not list or describe tasks.
        ["PipelineRole/WatchTheServicesTasks"] = "ECS deploy action (AWS docs)",
        ["PipelineRole/ListTheServicesTasks"] = "ECS deploy action (AWS docs)",
    };

    [Fact]
    public void The_first_release_needs_every_statement_of_the_roles_it_ran_as_except_those_named_with_a_reason()
    {
        var verdicts = StatementNecessity.AnalyzeStateDirectory(world.FirstReleaseIam);
        var table = Report(StatementNecessity.Table(verdicts), "statement-necessity.md");

        // The roles the release acted as: every actor of the delivery path left decisions in the trail.
        var actingRoles = verdicts.Where(v => v.IsNeeded).Select(v => LogicalId(v.Statement.RoleArn)).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["BuildRole", "PipelineRole", "PipelineTriggerRole"], StringComparer.Ordinal), actingRoles);
        AssertOnlyNamedStatementsUnneeded(verdicts.Where(v => actingRoles.Contains(LogicalId(v.Statement.RoleArn))), NeededBeyondTheLocalRelease, table);
    }

    /// <summary>
    /// Actions and resources of the release's needed statements (role's logical id / Sid / value) that the release does
    /// not exercise on the local cloud, and why they stay.
    /// </summary>
    private static readonly Dictionary<string, string> ElementsNeededBeyondTheLocalRelease = new(StringComparer.Ordinal)
    {
        // AWS's documented service-role policies: CodeBuild and CodePipeline read artifacts by version id in a versioned
        // bucket; the local services read the current version.
        ["BuildRole/ReadWriteArtifacts/s3:GetObjectVersion"] = "CodeBuild service role (AWS docs)",
        ["PipelineRole/ReadWriteArtifacts/s3:GetObjectVersion"] = "CodePipeline service role (AWS docs)",
        // CodePipeline's CodeCommit source action cancels an upload archive it abandons (a stopped execution).
        ["PipelineRole/ReadSource/codecommit:CancelUploadArchive"] = "CodeCommit source action (AWS docs)",
        // Needed when the registered task definition carries tags (ECS's 2024 tag-on-create authorization); ours has none.
        ["PipelineRole/RegisterTheServicesTaskDefinition/ecs:TagResource"] = "ECS tag-on-create (AWS docs)",
        // AmazonECSTaskExecutionRolePolicy's pull permissions; the agent's pull does not check blobs before fetching them.
        ["TaskExecutionRole/PullFromThisRepository/ecr:BatchCheckLayerAvailability"] = "ECS task execution role (AWS managed policy)",
    };

    [Fact]
    public void The_first_release_needs_every_action_and_resource_of_its_needed_statements_except_those_named_with_a_reason()
    {
        var verdicts = StatementNecessity.AnalyzeStateDirectoryElements(world.FirstReleaseIam);
        var needed = StatementNecessity.AnalyzeStateDirectory(world.FirstReleaseIam).Where(v => v.IsNeeded).Select(v => v.Statement).ToHashSet();
        verdicts = [.. verdicts.Where(v => needed.Contains(v.Statement))];
        var table = Report(StatementNecessity.ElementTable(verdicts), "element-necessity.md");

        AssertOnlyNamedElementsUnneeded(verdicts, ElementsNeededBeyondTheLocalRelease, table);
    }

    /// <summary>The actions and resources no recorded call needed are exactly those named (with a reason) in <paramref name="named"/>.</summary>
    private static void AssertOnlyNamedElementsUnneeded(IEnumerable<ElementVerdict> verdicts, Dictionary<string, string> named, string table) =>
        AssertOnlyNamedUnneeded("actions and resources", verdicts.Where(v => !v.IsNeeded).Select(v => $"{Key(v.Statement)}/{v.Value}"), named, table);

    /// <summary>The statements no recorded call needed are exactly those named (with a reason) in <paramref name="named"/>.</summary>
    private static void AssertOnlyNamedStatementsUnneeded(IEnumerable<StatementVerdict> verdicts, Dictionary<string, string> named, string table) =>
        AssertOnlyNamedUnneeded("statements", verdicts.Where(v => !v.IsNeeded).Select(v => Key(v.Statement)), named, table);

    private static void AssertOnlyNamedUnneeded(string what, IEnumerable<string> unneededKeys, Dictionary<string, string> named, string table)
    {
        var unneeded = unneededKeys.Order(StringComparer.Ordinal).ToList();
        Assert.True(unneeded.SequenceEqual(named.Keys.Order(StringComparer.Ordinal)),
            $"{what} no recorded call needs: {string.Join(", ", unneeded)}; named as needed elsewhere: {string.Join(", ", named.Keys)}\n{table}");
    }

    /// <summary>A statement as the named lists write it: the role's logical id / Sid (or #position).</summary>
    private static string Key(PolicyStatementRef statement) => $"{LogicalId(statement.RoleArn)}/{statement.Sid ?? "#" + statement.Index}";

    /// <summary>The table in the test's output and in <c>artifacts/iam/&lt;fileName&gt;</c>, for the note; returns it.</summary>
    private string Report(string table, string fileName)
    {
        output.WriteLine(table);
        File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(BuildScript.Root, "artifacts", "iam")).FullName, fileName), table);
        return table;
    }

    /// <summary>The template's logical id in a role name CloudFormation made (<c>stack-LogicalId-SUFFIX</c>).</summary>
    private static string LogicalId(string roleArn)
    {
        var name = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var parts = name.Split('-');
        return parts.Length >= 3 ? parts[^2] : name;
    }
}
