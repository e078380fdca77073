using System.Text.Json.Nodes;
using static Deploy.Delivery.Infra.CloudFormationJson;

namespace Deploy.Delivery.Infra;

/// <summary>The GitLab OIDC federation part of the platform: provider, Mirror and Release roles, their outputs.</summary>
public static partial class PlatformTemplate
{
    /// <summary>Output: the role the <c>mirror</c> job assumes (CI/CD variable <c>AWS_MIRROR_ROLE_ARN</c>).</summary>
    public const string GitLabMirrorRoleArnOutput = "GitLabMirrorRoleArn";

    /// <summary>Output: the role the <c>release</c> job assumes (CI/CD variable <c>AWS_RELEASE_ROLE_ARN</c>).</summary>
    public const string GitLabReleaseRoleArnOutput = "GitLabReleaseRoleArn";

    private const string GitLabOidcProvider = nameof(GitLabOidcProvider);
    private const string GitLabMirrorRole = nameof(GitLabMirrorRole);
    private const string GitLabReleaseRole = nameof(GitLabReleaseRole);

    /// <summary>
    /// When a GitLab project is configured: GitLab as OIDC provider (audience sts.amazonaws.com), a Mirror role that may push
    /// to and read the pipeline's CodeCommit repository, and a Release role that may also follow the pipeline (its state
    /// and executions, the build's record and log, the ECS rollout), each trusting only the project's tokens of its
    /// branches (<c>aud</c> and <c>sub</c> pinned with StringEquals, no wildcard).
    /// </summary>
    private static void AddGitLabFederation(PlatformSettings settings, JsonObject resources, JsonObject outputs)
    {
        if (settings.GitLab is not { } gitLab)
        {
            return;
        }

        resources[GitLabOidcProvider] = Resource("AWS::IAM::OIDCProvider", new JsonObject
        {
            ["Url"] = gitLab.Url,
            ["ClientIdList"] = Strings(GitLabFederation.Audience),
        });
        // Fresh nodes per role: a JSON node has one parent.
        JsonObject[] Mirror() =>
        [
            // The mirror reads the repository's refs from the push's own ref advertisement (git-receive-pack): GitPush only.
            Statement("PushToTheRepository", ["codecommit:GitPush"], GetAtt(SourceRepository, "Arn")),
            Statement("ReadThisStacksOutputs", ["cloudformation:DescribeStacks"], Ref("AWS::StackId")),
        ];
        resources[GitLabMirrorRole] = GitLabRole(gitLab, gitLab.MirrorBranches,
            $"GitLab CI's mirror job of {gitLab.ProjectPath}: pushes to the pipeline's CodeCommit repository.",
            "mirror-to-codecommit", Mirror());
        resources[GitLabReleaseRole] = GitLabRole(gitLab, [settings.Branch],
            $"GitLab CI's release job of {gitLab.ProjectPath}: mirrors, then follows the pipeline, its build and the ECS rollout.",
            "mirror-and-follow-the-pipeline",
            [
                .. Mirror(),
                // Release reads the branch head the pipeline will build (the mirror job itself never asks).
                Statement("ReadTheBranchHead", ["codecommit:GetBranch"], GetAtt(SourceRepository, "Arn")),
                Statement("FollowThePipeline",
                    ["codepipeline:GetPipeline", "codepipeline:GetPipelineExecution", "codepipeline:GetPipelineState", "codepipeline:ListActionExecutions", "codepipeline:ListPipelineExecutions"],
                    Sub(PipelineArn)),
                Statement("ReadTheBuilds", ["codebuild:BatchGetBuilds"], GetAtt(BuildProject, "Arn")),
                Statement("ReadTheBuildAndServiceLogs", ["logs:GetLogEvents"], Items(GetAtt(BuildLogGroup, "Arn"), GetAtt(ServiceLogGroup, "Arn"))),
                Statement("FollowTheRollout", ["ecs:DescribeServices"], Sub(EcsArnPrefix + "service/${Cluster}/${ServiceName}")),
                Statement("WatchTheServicesTasks", ["ecs:DescribeTasks"], Sub(EcsArnPrefix + "task/${Cluster}/*")),
                Statement("ListTheServicesTasks", ["ecs:ListTasks"], Sub(EcsArnPrefix + "container-instance/${Cluster}/*")),
                Statement("ReadTaskDefinitions", ["ecs:DescribeTaskDefinition"], "*"),
            ]);

        outputs[GitLabMirrorRoleArnOutput] = Output(GitLabMirrorRoleArnOutput, "Role of GitLab's mirror job: the project's CI/CD variable AWS_MIRROR_ROLE_ARN", GetAtt(GitLabMirrorRole, "Arn"));
        outputs[GitLabReleaseRoleArnOutput] = Output(GitLabReleaseRoleArnOutput, "Role of GitLab's release job: the project's CI/CD variable AWS_RELEASE_ROLE_ARN", GetAtt(GitLabReleaseRole, "Arn"));
    }

    /// <summary>A role GitLab's jobs assume with their ID token: the provider as Federated principal, aud and sub pinned.</summary>
    private static JsonObject GitLabRole(GitLabFederation gitLab, IReadOnlyList<string> branches, string description, string policyName, JsonObject[] statements)
    {
        var subjects = branches.Select(gitLab.Subject).ToList();
        return Resource("AWS::IAM::Role", new JsonObject
        {
            ["Description"] = description,
            ["AssumeRolePolicyDocument"] = new JsonObject
            {
                ["Version"] = "2012-10-17",
                ["Statement"] = Items(new JsonObject
                {
                    ["Effect"] = "Allow",
                    ["Principal"] = new JsonObject { ["Federated"] = Ref(GitLabOidcProvider) },
                    ["Action"] = "sts:AssumeRoleWithWebIdentity",
                    ["Condition"] = new JsonObject
                    {
                        ["StringEquals"] = new JsonObject
                        {
                            [gitLab.HostAndPath + ":aud"] = GitLabFederation.Audience,
                            [gitLab.HostAndPath + ":sub"] = subjects.Count == 1 ? subjects[0] : Strings(subjects),
                        },
                    },
                }),
            },
            ["Policies"] = Items(new JsonObject
            {
                ["PolicyName"] = policyName,
                ["PolicyDocument"] = new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = Items(statements) },
            }),
        });
    }

    private static JsonObject Output(string name, string description, JsonNode value) => new()
    {
        ["Description"] = description,
        ["Value"] = value,
        ["Export"] = new JsonObject { ["Name"] = Sub("${AWS::StackName}-" + name) },
    };
}
