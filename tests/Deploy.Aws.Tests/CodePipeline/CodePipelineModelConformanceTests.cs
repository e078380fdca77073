using Deploy.Aws.CodePipeline;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CodePipeline;

public sealed class CodePipelineModelConformanceTests
{
    private const string Service = "codepipeline";

    /// <summary>Source (CodeCommit) → Build (CodeBuild) → Deploy (ECS with imagedefinitions.json).</summary>
    internal static PipelineDeclaration AppPipeline => new()
    {
        Name = "app",
        RoleArn = "arn:aws:iam::123456789012:role/codepipeline-app",
        ArtifactStore = new ArtifactStore("S3", "app-pipeline-artifacts"),
        PipelineType = "V2",
        ExecutionMode = "QUEUED",
        Variables = [new PipelineVariableDeclaration("IMAGE_TAG", "latest", "The tag to deploy")],
        Stages =
        [
            new StageDeclaration
            {
                Name = "Source",
                Actions =
                [
                    new ActionDeclaration
                    {
                        Name = "Source",
                        ActionTypeId = new ActionTypeId("Source", "AWS", "CodeCommit", "1"),
                        Configuration = new Dictionary<string, string> { ["RepositoryName"] = "app", ["BranchName"] = "main", ["PollForSourceChanges"] = "false" },
                        OutputArtifacts = [new OutputArtifact("SourceOutput")],
                        RunOrder = 1,
                    },
                ],
            },
            new StageDeclaration
            {
                Name = "Build",
                Actions =
                [
                    new ActionDeclaration
                    {
                        Name = "Build",
                        ActionTypeId = new ActionTypeId("Build", "AWS", "CodeBuild", "1"),
                        Configuration = new Dictionary<string, string> { ["ProjectName"] = "app-build" },
                        InputArtifacts = [new InputArtifact("SourceOutput")],
                        OutputArtifacts = [new OutputArtifact("BuildOutput")],
                        Namespace = "BuildVariables",
                    },
                ],
            },
            new StageDeclaration
            {
                Name = "Deploy",
                Actions =
                [
                    new ActionDeclaration
                    {
                        Name = "Deploy",
                        ActionTypeId = new ActionTypeId("Deploy", "AWS", "ECS", "1"),
                        Configuration = new Dictionary<string, string> { ["ClusterName"] = "main", ["ServiceName"] = "web", ["FileName"] = "imagedefinitions.json" },
                        InputArtifacts = [new InputArtifact("BuildOutput")],
                        Region = "eu-west-1",
                        TimeoutInMinutes = 60,
                    },
                ],
            },
        ],
    };

    private static readonly Dictionary<string, Func<CodePipelineClient, Task<object?>>> Calls = new()
    {
        ["CreatePipeline"] = async c => await c.CreatePipelineAsync(new CreatePipelineRequest(AppPipeline, [new PipelineTag("app", "web")])),
        ["UpdatePipeline"] = async c => await c.UpdatePipelineAsync(new UpdatePipelineRequest(AppPipeline with { Version = 2 })),
        ["GetPipeline"] = async c => await c.GetPipelineAsync(new GetPipelineRequest("app", 2)),
        ["GetPipelineState"] = async c => await c.GetPipelineStateAsync(new GetPipelineStateRequest("app")),
        ["StartPipelineExecution"] = async c => await c.StartPipelineExecutionAsync(new StartPipelineExecutionRequest
        {
            Name = "app",
            Variables = [new PipelineVariable("IMAGE_TAG", "1.2.3")],
            ClientRequestToken = "deploy-42",
            SourceRevisions = [new SourceRevisionOverride("Source", "COMMIT_ID", "0123456789abcdef0123456789abcdef01234567")],
        }),
        ["GetPipelineExecution"] = async c => await c.GetPipelineExecutionAsync(new GetPipelineExecutionRequest("app", "01234567-89ab-cdef-0123-456789abcdef")),
        ["ListPipelineExecutions"] = async c => await c.ListPipelineExecutionsAsync(new ListPipelineExecutionsRequest
        {
            PipelineName = "app",
            MaxResults = 10,
            Filter = new PipelineExecutionFilter(new SucceededInStageFilter("Deploy")),
        }),
        ["ListActionExecutions"] = async c => await c.ListActionExecutionsAsync(new ListActionExecutionsRequest
        {
            PipelineName = "app",
            Filter = new ActionExecutionFilter("01234567-89ab-cdef-0123-456789abcdef"),
            MaxResults = 100,
            NextToken = "t",
        }),
        ["RetryStageExecution"] = async c => await c.RetryStageExecutionAsync(
            new RetryStageExecutionRequest("app", "Deploy", "01234567-89ab-cdef-0123-456789abcdef", "FAILED_ACTIONS")),
    };

    public static TheoryData<string> Operations => [.. Calls.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public Task Each_operation_sends_a_request_the_model_accepts_and_reads_every_member_it_declares_from_the_models_response(string operation) =>
        ClientConformance.CheckAsync(Service, operation, s => new CodePipelineClient(s), Calls[operation]);

    [Fact]
    public void The_client_covers_every_CodePipeline_operation_the_build_needs()
    {
        string[] needed = ["CreatePipeline", "UpdatePipeline", "GetPipeline", "GetPipelineState", "StartPipelineExecution", "GetPipelineExecution", "ListPipelineExecutions", "ListActionExecutions", "RetryStageExecution"];

        Assert.Equal(needed.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_pipeline_read_with_GetPipeline_updates_without_losing_members_the_library_does_not_name()
    {
        var read = ResponseConformance.ReadSample<GetPipelineResponse>(Service, "GetPipeline").Pipeline!;
        var handler = RecordingHandler.AnsweringWithSamples(Service);
        using var session = OfflineSession.For(handler);

        await new CodePipelineClient(session).UpdatePipelineAsync(new UpdatePipelineRequest(read));

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Contains("\"triggers\"", handler.Last.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"onFailure\"", handler.Last.BodyText, StringComparison.Ordinal);
    }
}
