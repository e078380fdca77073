using Deploy.Aws.Iam;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Iam;

/// <summary>IAM role round-trips against moto_server.</summary>
[Collection(MotoGroup.Name)]
public sealed class IamMotoTests(MotoServer moto) : MotoTestBase(moto), IDisposable
{
    private const string TrustPolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";
    private const string InlinePolicy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:PutLogEvents","Resource":"*"}]}""";

    private readonly RequestRecorder recorder = new();

    protected override void AfterTest()
    {
        recorder.AssertAllConform("iam");
    }

    public void Dispose() => recorder.Dispose();

    [Fact]
    public async Task Role_create_get_policies_delete()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);
        var iam = new IamClient(session);

        var created = (await iam.CreateRoleAsync(new CreateRoleRequest
        {
            RoleName = "web-task",
            AssumeRolePolicyDocument = TrustPolicy,
            Path = "/service-role/",
            Description = "task role of web",
            MaxSessionDuration = 7200,
            Tags = [new IamTag("team", "deploy")],
        })).Role;
        Assert.Equal("arn:aws:iam::123456789012:role/service-role/web-task", created.Arn);
        Assert.StartsWith("AROA", created.RoleId, StringComparison.Ordinal);

        var role = (await iam.GetRoleAsync(new GetRoleRequest("web-task"))).Role;
        Assert.Equal(created.Arn, role.Arn);
        Assert.Equal("/service-role/", role.Path);
        Assert.Equal("task role of web", role.Description);
        Assert.Equal(7200, role.MaxSessionDuration);
        Assert.Equal(new IamTag("team", "deploy"), Assert.Single(role.Tags!));
        Assert.NotNull(role.CreateDate);
        Assert.Contains("ecs-tasks.amazonaws.com", role.AssumeRolePolicyDocument, StringComparison.Ordinal);
        using (var trust = System.Text.Json.JsonDocument.Parse(role.AssumeRolePolicyDocument!))
        {
            Assert.Equal("2012-10-17", trust.RootElement.GetProperty("Version").GetString());
        }

        await iam.PutRolePolicyAsync(new PutRolePolicyRequest("web-task", "write-logs", InlinePolicy));
        var policyArn = await CreateManagedPolicyAsync(session, "web-read");
        await iam.AttachRolePolicyAsync(new AttachRolePolicyRequest("web-task", policyArn));

        var conflict = await Assert.ThrowsAsync<IamException>(() => iam.DeleteRoleAsync(new DeleteRoleRequest("web-task")));
        Assert.Equal("DeleteConflict", conflict.Code);

        await iam.DeleteRolePolicyAsync(new DeleteRolePolicyRequest("web-task", "write-logs"));
        await DetachAsync(session, "web-task", policyArn);
        await iam.DeleteRoleAsync(new DeleteRoleRequest("web-task"));

        var missing = await Assert.ThrowsAsync<IamException>(() => iam.GetRoleAsync(new GetRoleRequest("web-task")));
        Assert.Equal(IamClient.NoSuchEntity, missing.Code);
        Assert.StartsWith("IAM GetRole failed for role 'web-task': NoSuchEntity:", missing.Message, StringComparison.Ordinal);
        Assert.Null(await iam.FindRoleAsync("web-task"));
    }

    [Fact]
    public async Task Common_mistakes_have_their_error_codes()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);
        var iam = new IamClient(session);
        await iam.CreateRoleAsync(new CreateRoleRequest { RoleName = "web-task", AssumeRolePolicyDocument = TrustPolicy });

        var duplicate = await Assert.ThrowsAsync<IamException>(
            () => iam.CreateRoleAsync(new CreateRoleRequest { RoleName = "web-task", AssumeRolePolicyDocument = TrustPolicy }));
        Assert.Equal("EntityAlreadyExists", duplicate.Code);

        var noPolicy = await Assert.ThrowsAsync<IamException>(
            () => iam.DeleteRolePolicyAsync(new DeleteRolePolicyRequest("web-task", "never-put")));
        Assert.Equal(IamClient.NoSuchEntity, noPolicy.Code);
        Assert.Contains("policy 'never-put' of role 'web-task'", noPolicy.Message, StringComparison.Ordinal);

        var noManaged = await Assert.ThrowsAsync<IamException>(
            () => iam.AttachRolePolicyAsync(new AttachRolePolicyRequest("web-task", "arn:aws:iam::123456789012:policy/not-there")));
        Assert.Equal(IamClient.NoSuchEntity, noManaged.Code);

        var noRole = await Assert.ThrowsAsync<IamException>(
            () => iam.PutRolePolicyAsync(new PutRolePolicyRequest("other", "p", InlinePolicy)));
        Assert.Equal(IamClient.NoSuchEntity, noRole.Code);

        await iam.DeleteRoleAsync(new DeleteRoleRequest("web-task"));
        var deletedTwice = await Assert.ThrowsAsync<IamException>(() => iam.DeleteRoleAsync(new DeleteRoleRequest("web-task")));
        Assert.Equal(IamClient.NoSuchEntity, deletedTwice.Code);
    }

    // CreatePolicy and DetachRolePolicy are not client operations; the test sends them through the core's query protocol.
    private static async Task<string> CreateManagedPolicyAsync(AwsSession session, string name)
    {
        var result = await QueryProtocol.InvokeAsync(
            session,
            AwsService.Iam,
            "CreatePolicy",
            new QueryRequest().Add("PolicyName", name).Add("PolicyDocument", InlinePolicy),
            null,
            CancellationToken.None);
        return result.Child("Policy")!.Text("Arn")!;
    }

    private static Task<System.Xml.Linq.XElement> DetachAsync(AwsSession session, string role, string policyArn) =>
        QueryProtocol.InvokeAsync(
            session,
            AwsService.Iam,
            "DetachRolePolicy",
            new QueryRequest().Add("RoleName", role).Add("PolicyArn", policyArn),
            null,
            CancellationToken.None);
}
