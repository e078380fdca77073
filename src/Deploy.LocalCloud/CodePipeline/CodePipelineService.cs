using System.Text.Json.Nodes;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodePipeline;

/// <summary>CodePipeline (JSON 1.1, <c>CodePipeline_20150709</c>): pipeline declarations and versions here, executions in
/// <c>CodePipelineService.Executions.cs</c> (run by <see cref="PipelineExecutor"/>).</summary>
internal sealed partial class CodePipelineService : IJsonApiService
{
    private static readonly string[] DeclarationMembers =
        ["name", "roleArn", "artifactStore", "artifactStores", "stages", "executionMode", "pipelineType", "variables", "triggers"];

    private readonly PipelineStore file;
    private readonly PipelineExecutionStore executions;
    private readonly PipelineExecutor executor;
    private readonly LocalCloudOptions options;
    private readonly TimeProvider clock;
    private readonly JsonOperations operations;

    public CodePipelineService(LocalCloudOptions options, TimeProvider clock, PipelineStore store, PipelineExecutionStore executions, PipelineExecutor executor)
    {
        this.options = options;
        this.clock = clock;
        this.executions = executions;
        this.executor = executor;
        file = store;
        operations = new JsonOperations()
            .Add("StartPipelineExecution", StartPipelineExecution)
            .Add("StopPipelineExecution", StopPipelineExecution)
            .Add("RetryStageExecution", RetryStageExecution)
            .Add("GetPipelineState", GetPipelineState)
            .Add("GetPipelineExecution", GetPipelineExecution)
            .Add("ListPipelineExecutions", ListPipelineExecutions)
            .Add("ListActionExecutions", ListActionExecutions)
            .Add("CreatePipeline", CreatePipeline)
            .Add("UpdatePipeline", UpdatePipeline)
            .Add("GetPipeline", GetPipeline)
            .Add("DeletePipeline", DeletePipeline)
            .Add("ListPipelines", _ => new JsonObject
            {
                ["pipelines"] = new JsonArray(file.Read(s => s.Items.Values.Select(p => (JsonNode)new JsonObject
                {
                    ["name"] = p["pipeline"]!["name"]!.DeepClone(),
                    ["version"] = p["pipeline"]!["version"]!.DeepClone(),
                    ["created"] = p["metadata"]!["created"]!.DeepClone(),
                    ["updated"] = p["metadata"]!["updated"]!.DeepClone(),
                }).ToArray())),
            });
    }

    public string TargetPrefix => "CodePipeline_20150709";

    public string SigningName => "codepipeline";

    public JsonObject Handle(string operation, JsonObject request) => operations.Run(operation, request);

    private JsonObject CreatePipeline(JsonObject request)
    {
        var declaration = Declaration(request);
        var name = declaration["name"]!.GetValue<string>();
        var now = Now;
        var stored = file.Update(state =>
        {
            if (state.Items.ContainsKey(name))
            {
                throw new AwsServiceException("PipelineNameInUseException", $"A pipeline with the name '{name}' already exists in account '{options.AccountId}'");
            }

            declaration["version"] = 1;
            state.Items[name] = new JsonObject
            {
                ["pipeline"] = declaration,
                ["metadata"] = new JsonObject
                {
                    ["pipelineArn"] = $"arn:aws:codepipeline:{options.Region}:{options.AccountId}:{name}",
                    ["created"] = now,
                    ["updated"] = now,
                },
            };
            return declaration.DeepClone();
        });
        // CodePipeline runs a new pipeline once as soon as it is created.
        executor.Start(name, "CreatePipeline", $"arn:aws:iam::{options.AccountId}:user/local");
        return new JsonObject { ["pipeline"] = stored };
    }

    private JsonObject UpdatePipeline(JsonObject request)
    {
        var declaration = Declaration(request);
        var name = declaration["name"]!.GetValue<string>();
        var now = Now;
        var stored = file.Update(state =>
        {
            var existing = file.Find(state, name);
            declaration["version"] = existing["pipeline"]!["version"]!.GetValue<int>() + 1;
            existing["pipeline"] = declaration;
            existing["metadata"]!["updated"] = now;
            return declaration.DeepClone();
        });
        return new JsonObject { ["pipeline"] = stored };
    }

    private JsonObject GetPipeline(JsonObject request)
    {
        var name = request.RequiredString("name");
        return file.Get(name);
    }

    private JsonObject DeletePipeline(JsonObject request)
    {
        var name = request.RequiredString("name");
        file.Update(state => state.Items.Remove(name));
        return [];
    }

    private static JsonObject Declaration(JsonObject request)
    {
        var pipeline = request.OptionalObject("pipeline") ?? throw AwsServiceException.Validation("pipeline");
        _ = pipeline.RequiredString("name");
        _ = pipeline.RequiredString("roleArn");
        if (pipeline.OptionalArray("stages") is not { Count: >= 2 })
        {
            throw new AwsServiceException("InvalidStructureException", "Pipeline has fewer than two stages");
        }

        if (pipeline["artifactStore"] is null && pipeline["artifactStores"] is null)
        {
            throw new AwsServiceException("InvalidStructureException", "Pipeline must have an artifact store");
        }

        if (pipeline.OptionalString("executionMode") is { } mode && mode != "SUPERSEDED")
        {
            throw new AwsServiceException("InvalidStructureException",
                $"executionMode {mode} is not supported by the local cloud, which runs pipelines in SUPERSEDED mode only (the default): remove executionMode or set it to SUPERSEDED.");
        }

        var declaration = new JsonObject();
        foreach (var member in DeclarationMembers.Where(pipeline.ContainsKey))
        {
            declaration[member] = pipeline[member]?.DeepClone();
        }

        return declaration;
    }

    private double Now => clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
}
