using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.CiServices;

/// <summary>CodeCommit, CodeBuild, CodePipeline and EventBridge keep what the aws CLI puts (state only: nothing runs yet).</summary>
public sealed class CiServicesCliTests
{
    private const string Pipeline = """
        {"name":"delivery","roleArn":"arn:aws:iam::000000000000:role/pipeline","artifactStore":{"type":"S3","location":"artifacts"},
         "pipelineType":"V2","stages":[
          {"name":"Source","actions":[{"name":"Source","actionTypeId":{"category":"Source","owner":"AWS","provider":"CodeCommit","version":"1"},
            "configuration":{"RepositoryName":"service","BranchName":"main","PollForSourceChanges":"false"},"outputArtifacts":[{"name":"SourceOutput"}],"runOrder":1}]},
          {"name":"Build","actions":[{"name":"Build","actionTypeId":{"category":"Build","owner":"AWS","provider":"CodeBuild","version":"1"},
            "configuration":{"ProjectName":"service-build"},"inputArtifacts":[{"name":"SourceOutput"}],"runOrder":1}]}]}
        """;

    [Fact]
    public async Task Repositories_projects_pipelines_and_rules_are_created_read_back_and_updated_with_the_aws_cli()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;

        var repository = (await cli.JsonAsync("codecommit", "create-repository", "--repository-name", "service", "--repository-description", "mirror"))["repositoryMetadata"]!;
        var fetched = (await cli.JsonAsync("codecommit", "get-repository", "--repository-name", "service"))["repositoryMetadata"]!;
        Assert.Equal(repository["repositoryId"]!.GetValue<string>(), fetched["repositoryId"]!.GetValue<string>());
        Assert.Equal($"{cloud.Instance.Endpoint.ToString().TrimEnd('/')}/v1/repos/service", fetched["cloneUrlHttp"]!.GetValue<string>());
        Assert.Equal("RepositoryNameExistsException", await cli.ErrorCodeAsync("codecommit", "create-repository", "--repository-name", "service"));
        Assert.Equal("RepositoryDoesNotExistException", await cli.ErrorCodeAsync("codecommit", "get-repository", "--repository-name", "missing"));

        await cli.JsonAsync("codebuild", "create-project", "--name", "service-build", "--source", "type=CODEPIPELINE,buildspec=buildspec.yml",
            "--artifacts", "type=CODEPIPELINE", "--environment", "type=LINUX_CONTAINER,image=aws/codebuild/standard:7.0,computeType=BUILD_GENERAL1_SMALL,privilegedMode=true",
            "--service-role", "arn:aws:iam::000000000000:role/build");
        await cli.JsonAsync("codebuild", "update-project", "--name", "service-build", "--timeout-in-minutes", "20");
        var projects = await cli.JsonAsync("codebuild", "batch-get-projects", "--names", "service-build", "missing");
        Assert.Equal(20, projects["projects"]![0]!["timeoutInMinutes"]!.GetValue<int>());
        Assert.True(projects["projects"]![0]!["environment"]!["privilegedMode"]!.GetValue<bool>());
        Assert.Equal("missing", projects["projectsNotFound"]![0]!.GetValue<string>());
        Assert.Equal("ResourceAlreadyExistsException", await cli.ErrorCodeAsync("codebuild", "create-project", "--name", "service-build", "--source", "type=CODEPIPELINE",
            "--artifacts", "type=CODEPIPELINE", "--environment", "type=LINUX_CONTAINER,image=x,computeType=BUILD_GENERAL1_SMALL", "--service-role", "r"));

        await cli.JsonAsync("codepipeline", "create-pipeline", "--pipeline", Pipeline);
        await cli.JsonAsync("codepipeline", "update-pipeline", "--pipeline", Pipeline.Replace("\"main\"", "\"release\"", StringComparison.Ordinal));
        var pipeline = await cli.JsonAsync("codepipeline", "get-pipeline", "--name", "delivery");
        Assert.Equal(2, pipeline["pipeline"]!["version"]!.GetValue<int>());
        Assert.Equal("release", pipeline["pipeline"]!["stages"]![0]!["actions"]![0]!["configuration"]!["BranchName"]!.GetValue<string>());
        Assert.Equal("arn:aws:codepipeline:us-east-1:000000000000:delivery", pipeline["metadata"]!["pipelineArn"]!.GetValue<string>());
        Assert.Equal("PipelineNotFoundException", await cli.ErrorCodeAsync("codepipeline", "get-pipeline", "--name", "missing"));
        Assert.Equal("PipelineNameInUseException", await cli.ErrorCodeAsync("codepipeline", "create-pipeline", "--pipeline", Pipeline));

        var rule = await cli.JsonAsync("events", "put-rule", "--name", "start-pipeline", "--event-pattern", """{"source":["aws.codecommit"]}""");
        await cli.JsonAsync("events", "put-targets", "--rule", "start-pipeline", "--targets", "Id=pipeline,Arn=arn:aws:codepipeline:us-east-1:000000000000:delivery,RoleArn=arn:aws:iam::000000000000:role/events");
        var described = await cli.JsonAsync("events", "describe-rule", "--name", "start-pipeline");
        var targets = (await cli.JsonAsync("events", "list-targets-by-rule", "--rule", "start-pipeline"))["Targets"]!.AsArray();
        Assert.Equal(rule["RuleArn"]!.GetValue<string>(), described["Arn"]!.GetValue<string>());
        Assert.Equal("ENABLED", described["State"]!.GetValue<string>());
        Assert.Equal("pipeline", targets.Single()!["Id"]!.GetValue<string>());
        Assert.Equal("ResourceNotFoundException", await cli.ErrorCodeAsync("events", "describe-rule", "--name", "missing"));
        cloud.AssertResponsesMatchBotocore();
    }
}
