using Deploy.Aws.CodePipeline;

namespace Deploy.Delivery.Release;

/// <summary>One declared action: where it sits and what runs it.</summary>
/// <param name="Stage">Its stage.</param>
/// <param name="Name">Its name.</param>
/// <param name="Category"><c>Source</c>, <c>Build</c>, <c>Deploy</c>, ...</param>
/// <param name="Provider"><c>CodeCommit</c>, <c>CodeBuild</c>, <c>ECS</c>, ...</param>
/// <param name="Configuration">The declared configuration (for ECS: <c>ClusterName</c>, <c>ServiceName</c>).</param>
internal sealed record ActionLayout(string Stage, string Name, string Category, string Provider, IReadOnlyDictionary<string, string> Configuration)
{
    public bool IsCodeBuild => Provider == "CodeBuild";

    /// <summary>CodePipeline's standard ECS deploy action (imagedefinitions.json), not the CodeDeploy blue/green one.</summary>
    public bool IsEcsDeploy => Category == "Deploy" && Provider == "ECS";

    /// <summary><c>Stage/Action</c>, as the console shows it.</summary>
    public string Path => $"{Stage}/{Name}";
}

internal sealed record StageLayout(string Name, IReadOnlyList<ActionLayout> Actions);

/// <summary>The CodeCommit source of the pipeline: the execution of a commit names it as its source revision.</summary>
internal sealed record SourceBranch(string ActionName, string RepositoryName, string BranchName);

/// <summary>
/// The pipeline as GetPipeline declares it: stages and actions in order (the progress lines follow it), the CodeCommit
/// source (which branch the commit comes from) and the ECS deploy action (which service the success reports on).
/// </summary>
internal sealed record PipelineLayout(string Name, IReadOnlyList<StageLayout> Stages, SourceBranch? Source)
{
    public IEnumerable<ActionLayout> Actions => Stages.SelectMany(s => s.Actions);

    public ActionLayout? EcsDeploy => Actions.LastOrDefault(a => a.IsEcsDeploy);

    public ActionLayout? Find(string? stage, string? action) => Actions.FirstOrDefault(a => a.Stage == stage && a.Name == action);

    public static PipelineLayout From(PipelineDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var stages = (declaration.Stages ?? [])
            .Select(s => new StageLayout(
                s.Name ?? "?",
                [.. (s.Actions ?? [])
                    .OrderBy(a => a.RunOrder ?? 1)
                    .Select(a => new ActionLayout(
                        s.Name ?? "?",
                        a.Name ?? "?",
                        a.ActionTypeId?.Category ?? "",
                        a.ActionTypeId?.Provider ?? "",
                        a.Configuration ?? new Dictionary<string, string>()))]))
            .ToList();
        var source = stages.SelectMany(s => s.Actions)
            .Where(a => a.Category == "Source" && a.Provider == "CodeCommit")
            .Select(a => a.Configuration.TryGetValue("RepositoryName", out var repository) && a.Configuration.TryGetValue("BranchName", out var branch)
                ? new SourceBranch(a.Name, repository, branch)
                : null)
            .FirstOrDefault(s => s is not null);
        return new PipelineLayout(declaration.Name ?? "?", stages, source);
    }
}
