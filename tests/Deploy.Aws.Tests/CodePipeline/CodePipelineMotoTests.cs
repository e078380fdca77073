using Deploy.Aws.CodePipeline;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CodePipeline;

/// <summary>
/// moto implements pipeline CRUD only; GetPipelineState and the execution operations are covered by the
/// model tests.
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class CodePipelineMotoTests(MotoServer moto) : MotoTestBase(moto)
{
    private static async Task<string> CreateRoleAsync(AwsSession session)
    {
        const string trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
        var result = await QueryProtocol.InvokeAsync(
            session,
            AwsService.Iam,
            "CreateRole",
            new QueryRequest().Add("RoleName", "codepipeline-app").Add("AssumeRolePolicyDocument", trust),
            null,
            CancellationToken.None);
        return result.Child("Role")!.Text("Arn")!;
    }

    [Fact]
    public async Task A_pipeline_is_created_read_and_updated()
    {
        using var session = MotoSessions.For(Moto);
        var codePipeline = new CodePipelineClient(session);
        var roleArn = await CreateRoleAsync(session);
        var declaration = CodePipelineModelConformanceTests.AppPipeline with { RoleArn = roleArn };

        var created = await codePipeline.CreatePipelineAsync(new CreatePipelineRequest(declaration, [new PipelineTag("app", "web")]));
        var read = await codePipeline.GetPipelineAsync(new GetPipelineRequest("app"));
        var updated = await codePipeline.UpdatePipelineAsync(new UpdatePipelineRequest(read.Pipeline! with
        {
            Stages = [.. read.Pipeline.Stages!.Take(2)],
        }));

        Assert.Equal(1, created.Pipeline?.Version);
        Assert.Equal($"arn:aws:codepipeline:us-east-1:{MotoServer.AccountId}:app", read.Metadata?.PipelineArn);
        Assert.Equal(["Source", "Build", "Deploy"], read.Pipeline.Stages!.Select(s => s.Name));
        var deploy = read.Pipeline.Stages![2].Actions![0];
        Assert.Equal(new ActionTypeId("Deploy", "AWS", "ECS", "1"), deploy.ActionTypeId);
        Assert.Equal("imagedefinitions.json", deploy.Configuration!["FileName"]);
        Assert.Equal(2, updated.Pipeline?.Version);
        Assert.Equal(2, updated.Pipeline?.Stages?.Count);
    }

    [Fact]
    public async Task Reading_a_missing_pipeline_fails_with_PipelineNotFoundException()
    {
        using var session = MotoSessions.For(Moto);

        var error = await Assert.ThrowsAsync<CodePipelineException>(() => new CodePipelineClient(session).GetPipelineAsync(new GetPipelineRequest("nope")));

        Assert.Equal("PipelineNotFoundException", error.Code);
        Assert.Contains("pipeline 'nope'", error.Message, StringComparison.Ordinal);
    }
}
