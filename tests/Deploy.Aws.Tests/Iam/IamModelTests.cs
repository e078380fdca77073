using System.Net;
using Deploy.Aws.Iam;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Iam;

/// <summary>Every IAM operation against botocore's model: requests conform, sample responses map completely.</summary>
public sealed class IamModelTests : IDisposable
{
    private const string Service = "iam";
    private const string TrustPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    private readonly RecordingHandler handler = RecordingHandler.AnsweringWithSamples(Service);
    private readonly AwsSession session;
    private readonly IamClient client;

    public IamModelTests()
    {
        // IAM is global: whatever the session's region, calls go to iam.amazonaws.com signed for us-east-1.
        session = TestSessions.With(handler, region: "eu-central-1");
        client = new IamClient(session);
    }

    public void Dispose()
    {
        session.Dispose();
        handler.Dispose();
    }

    [Fact]
    public async Task CreateRole()
    {
        var response = await client.CreateRoleAsync(new CreateRoleRequest
        {
            RoleName = "web-task",
            AssumeRolePolicyDocument = TrustPolicy,
            Path = "/service-role/",
            Description = "task role of web",
            MaxSessionDuration = 3600,
            PermissionsBoundary = "arn:aws:iam::123456789012:policy/boundary",
            Tags = [new IamTag("team", "deploy"), new IamTag("env", "dev")],
        });

        ModelAssert.Conforms(Service, handler.Last);
        Assert.Equal(TrustPolicy, handler.Last.FormField("AssumeRolePolicyDocument"));
        Assert.Equal("env", handler.Last.FormField("Tags.member.2.Key"));
        SampleAssert.FullyMapped(response);
        Assert.Equal("RoleName-1", response.Role.RoleName);
    }

    [Fact]
    public async Task GetRole()
    {
        var response = await client.GetRoleAsync(new GetRoleRequest("web-task"));

        ModelAssert.Conforms(Service, handler.Last);
        SampleAssert.FullyMapped(response);
    }

    [Fact]
    public async Task DeleteRole()
    {
        await client.DeleteRoleAsync(new DeleteRoleRequest("web-task"));

        ModelAssert.Conforms(Service, handler.Last);
    }

    [Fact]
    public async Task PutRolePolicy()
    {
        await client.PutRolePolicyAsync(new PutRolePolicyRequest(
            "web-task",
            "read-config",
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"*"}]}"""));

        ModelAssert.Conforms(Service, handler.Last);
    }

    [Fact]
    public async Task DeleteRolePolicy()
    {
        await client.DeleteRolePolicyAsync(new DeleteRolePolicyRequest("web-task", "read-config"));

        ModelAssert.Conforms(Service, handler.Last);
    }

    [Fact]
    public async Task AttachRolePolicy()
    {
        await client.AttachRolePolicyAsync(new AttachRolePolicyRequest("web-task", "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"));

        ModelAssert.Conforms(Service, handler.Last);
    }

    [Fact]
    public async Task Calls_go_to_the_global_endpoint_signed_for_us_east_1()
    {
        await client.GetRoleAsync(new GetRoleRequest("web-task"));

        Assert.Equal(new Uri("https://iam.amazonaws.com/"), handler.Last.Uri);
        Assert.Contains("/us-east-1/iam/aws4_request", handler.Last.Header("Authorization"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_encoded_policy_documents_are_decoded()
    {
        var encoded = Uri.EscapeDataString(TrustPolicy);
        using var iam = RecordingHandler.Answering(
            $"<GetRoleResponse><GetRoleResult><Role><Path>/</Path><RoleName>r</RoleName><RoleId>AROA1</RoleId>" +
            $"<Arn>arn:aws:iam::123456789012:role/r</Arn><CreateDate>2025-01-02T03:04:05Z</CreateDate>" +
            $"<AssumeRolePolicyDocument>{encoded}</AssumeRolePolicyDocument></Role></GetRoleResult></GetRoleResponse>",
            "text/xml");
        using var iamSession = TestSessions.With(iam);

        var role = (await new IamClient(iamSession).GetRoleAsync(new GetRoleRequest("r"))).Role;

        Assert.Equal(TrustPolicy, role.AssumeRolePolicyDocument);
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), role.CreateDate);
        Assert.Null(role.Tags);
    }

    [Fact]
    public async Task No_such_entity_is_an_iam_exception_and_find_returns_null()
    {
        using var missing = RecordingHandler.Answering(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>NoSuchEntity</Code>" +
            "<Message>The role with name web cannot be found.</Message></Error><RequestId>req-1</RequestId></ErrorResponse>",
            "text/xml",
            HttpStatusCode.NotFound);
        using var missingSession = TestSessions.With(missing, maxAttempts: 3);
        var missingClient = new IamClient(missingSession);

        var error = await Assert.ThrowsAsync<IamException>(() => missingClient.DeleteRoleAsync(new DeleteRoleRequest("web")));

        Assert.Equal(IamClient.NoSuchEntity, error.Code);
        Assert.StartsWith("IAM DeleteRole failed for role 'web': NoSuchEntity:", error.Message, StringComparison.Ordinal);
        Assert.Single(missing.Requests);
        Assert.Null(await missingClient.FindRoleAsync("web"));
    }
}
