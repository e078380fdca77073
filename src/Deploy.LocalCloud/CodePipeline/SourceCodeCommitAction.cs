using System.Globalization;
using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>
/// Source/AWS/CodeCommit: a zip of the tree at the branch's commit (<c>git archive</c>, no <c>.git</c>) written to the
/// output artifact, and the output variables of AWS's CodeCommit source action reference. The commit is the branch head
/// when the execution started (pinned then), so a later push does not change what an older execution deploys. The
/// pipeline's role needs what AWS's action calls: GetBranch, GetCommit and UploadArchive/GetUploadArchiveStatus on the
/// repository, s3:GetBucketLocation and s3:GetBucketVersioning on the artifact store, s3:PutObject on the artifact.
/// </summary>
internal sealed class SourceCodeCommitAction(CodeCommitStore store, GitRepositories repositories, PipelineArtifacts artifacts, LocalCloudOptions options) : IPipelineAction
{
    public string Category => "Source";

    public string Provider => "CodeCommit";

    /// <summary>The branch head of the action's configuration now, or null (the action then fails with the reason when it runs).</summary>
    public string? ResolveHead(string repository, string branch) =>
        store.RepositoryId(repository) is null || !repositories.Exists(repository) ? null : repositories.BranchCommit(repository, branch);

    public async Task<ActionOutcome> RunAsync(ActionRun run, CancellationToken cancellationToken)
    {
        var repository = run.RequiredSetting("RepositoryName");
        var branch = run.RequiredSetting("BranchName");
        if (run.Setting("OutputArtifactFormat") is { } format && format is not ("CODE_ZIP" or "CODEBUILD_CLONE_REF"))
        {
            throw new PipelineActionException($"OutputArtifactFormat must be CODE_ZIP or CODEBUILD_CLONE_REF, not {format}.");
        }

        if (store.RepositoryId(repository) is null)
        {
            throw new PipelineActionException($"The CodeCommit repository {repository} does not exist (RepositoryName of action {run.ActionName}).");
        }

        var repositoryArn = $"arn:aws:codecommit:{options.Region}:{options.AccountId}:{repository}";
        run.Authorize("codecommit:GetBranch", repositoryArn);
        repositories.EnsureExists(repository);
        var commitId = run.PinnedRevision ?? repositories.BranchCommit(repository, branch)
            ?? throw new PipelineActionException($"The CodeCommit repository {repository} has no branch {branch}: push it, or change BranchName of action {run.ActionName}.");
        var commit = repositories.Commit(repository, commitId)
                     ?? throw new PipelineActionException($"The commit {commitId} is no longer in the CodeCommit repository {repository}.");
        run.Authorize("codecommit:GetCommit", repositoryArn);
        run.ReportProgress(commitId, FirstLine(commit.Message));
        run.Authorize("codecommit:UploadArchive", repositoryArn);
        run.Authorize("codecommit:GetUploadArchiveStatus", repositoryArn);

        var zip = await Task.Run(() => Archive(repositories.PathOf(repository), commitId), cancellationToken);
        if (run.OutputArtifacts.Count > 0)
        {
            // CodePipeline locates its artifact store and checks its versioning before writing to it (its documented role policy).
            run.Authorize("s3:GetBucketLocation", $"arn:aws:s3:::{run.OutputArtifacts[0].Bucket}");
            run.Authorize("s3:GetBucketVersioning", $"arn:aws:s3:::{run.OutputArtifacts[0].Bucket}");
            run.Authorize("s3:PutObject", run.OutputArtifacts[0].Arn);
            artifacts.Write(run.OutputArtifacts[0], zip);
        }

        var message = commit.Message.TrimEnd('\n');
        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["AuthorDate"] = IsoDate(commit.Author.Date),
            ["BranchName"] = branch,
            ["CommitId"] = commitId,
            ["CommitMessage"] = message,
            ["CommitterDate"] = IsoDate(commit.Committer.Date),
            ["RepositoryName"] = repository,
        };
        return new ActionOutcome(commitId, message, variables,
            new ActionRevision(commitId, message, DateTimeOffset.FromUnixTimeSeconds(EpochSeconds(commit.Committer.Date))));
    }

    private static byte[] Archive(string repositoryPath, string commitId)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"codepipeline-source-{Guid.NewGuid():N}.zip");
        try
        {
            GitProcess.Required(repositoryPath, "archive", "--format=zip", "-o", temp, commitId);
            return File.ReadAllBytes(temp);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static long EpochSeconds(string gitDate) =>
        long.TryParse(gitDate.Split(' ')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) ? seconds : 0;

    private static string IsoDate(string gitDate) =>
        DateTimeOffset.FromUnixTimeSeconds(EpochSeconds(gitDate)).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
