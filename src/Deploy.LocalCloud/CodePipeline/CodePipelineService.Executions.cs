using System.Globalization;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodePipeline;

internal sealed partial class CodePipelineService
{
    private JsonObject StartPipelineExecution(JsonObject request)
    {
        var name = request.RequiredString("name");
        _ = file.Get(name);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in (request.OptionalArray("variables") ?? []).OfType<JsonObject>())
        {
            variables[variable.RequiredString("name")] = variable.RequiredString("value");
        }

        if (request.OptionalArray("sourceRevisions") is { Count: > 0 })
        {
            throw new AwsServiceException("ValidationException", "sourceRevisions overrides are not supported by the local cloud: push the revision to the branch instead.");
        }

        var id = executor.Start(name, "StartPipelineExecution", $"arn:aws:iam::{options.AccountId}:user/local", variables);
        return new JsonObject { ["pipelineExecutionId"] = id };
    }

    private JsonObject StopPipelineExecution(JsonObject request)
    {
        var name = request.RequiredString("pipelineName");
        var id = request.RequiredString("pipelineExecutionId");
        _ = file.Get(name);
        executor.Stop(name, id, request.OptionalBool("abandon") ?? false, request.OptionalString("reason"));
        return new JsonObject { ["pipelineExecutionId"] = id };
    }

    private JsonObject RetryStageExecution(JsonObject request)
    {
        var name = request.RequiredString("pipelineName");
        var stage = request.RequiredString("stageName");
        var id = request.RequiredString("pipelineExecutionId");
        var mode = request.RequiredString("retryMode");
        if (mode is not ("FAILED_ACTIONS" or "ALL_ACTIONS"))
        {
            throw new AwsServiceException("ValidationException", $"1 validation error detected: Value '{mode}' at 'retryMode' failed to satisfy constraint: Member must satisfy enum value set: [FAILED_ACTIONS, ALL_ACTIONS]");
        }

        _ = file.Get(name);
        executor.Retry(name, stage, id, mode);
        return new JsonObject { ["pipelineExecutionId"] = id };
    }

    private JsonObject GetPipelineState(JsonObject request)
    {
        var name = request.RequiredString("name");
        var document = file.Get(name);
        return executions.Read(state => PipelineViews.State(document, [.. state.Executions.Values.Where(e => e.PipelineName == name)]));
    }

    private JsonObject GetPipelineExecution(JsonObject request)
    {
        var name = request.RequiredString("pipelineName");
        var id = request.RequiredString("pipelineExecutionId");
        _ = file.Get(name);
        return executions.Read(state => new JsonObject { ["pipelineExecution"] = PipelineViews.Execution(PipelineExecutor.Find(state, name, id)) });
    }

    private JsonObject ListPipelineExecutions(JsonObject request)
    {
        var name = request.RequiredString("pipelineName");
        _ = file.Get(name);
        var (offset, size) = Page(request);
        var list = executions.Read(state => state.Executions.Values.Where(e => e.PipelineName == name)
            .OrderByDescending(e => e.StartTime).Skip(offset).Take(size + 1).Select(PipelineViews.Summary).ToList());
        var response = new JsonObject { ["pipelineExecutionSummaries"] = new JsonArray([.. list.Take(size)]) };
        if (list.Count > size)
        {
            response["nextToken"] = (offset + size).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    private JsonObject ListActionExecutions(JsonObject request)
    {
        var name = request.RequiredString("pipelineName");
        _ = file.Get(name);
        var executionId = request.OptionalObject("filter")?.OptionalString("pipelineExecutionId");
        var (offset, size) = Page(request);
        var list = executions.Read(state =>
        {
            var chosen = state.Executions.Values.Where(e => e.PipelineName == name).ToList();
            if (executionId is not null)
            {
                chosen = [PipelineExecutor.Find(state, name, executionId)];
            }

            return chosen.SelectMany(e => e.Actions.Select(a => (Execution: e, Action: a)))
                .OrderByDescending(p => p.Action.StartTime)
                .Skip(offset).Take(size + 1)
                .Select(p => PipelineViews.ActionDetail(p.Execution, p.Action, options)).ToList();
        });
        var response = new JsonObject { ["actionExecutionDetails"] = new JsonArray([.. list.Take(size)]) };
        if (list.Count > size)
        {
            response["nextToken"] = (offset + size).ToString(CultureInfo.InvariantCulture);
        }

        return response;
    }

    /// <summary>Pages of maxResults (1 to 100, default 100); the token is the offset it continues at.</summary>
    private static (int Offset, int Size) Page(JsonObject request)
    {
        var size = request.OptionalInt("maxResults") ?? 100;
        if (size is < 1 or > 100)
        {
            throw new AwsServiceException("ValidationException", $"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100");
        }

        var token = request.OptionalString("nextToken");
        if (token is null)
        {
            return (0, size);
        }

        return int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            ? (offset, size)
            : throw new AwsServiceException("InvalidNextTokenException", "The next token was specified in an invalid format. Make sure that the next token you provide is the token returned by a previous call.");
    }
}
