using Deploy.Aws.Sts;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Sts;

/// <summary>STS round-trips against moto_server.</summary>
[Collection(MotoGroup.Name)]
public sealed class StsMotoTests(MotoServer moto) : MotoTestBase(moto), IDisposable
{
    private readonly RequestRecorder recorder = new();

    protected override void AfterTest()
    {
        Assert.NotEmpty(recorder.Requests);
        recorder.AssertAllConform("sts");
    }

    public void Dispose() => recorder.Dispose();

    [Fact]
    public async Task Caller_identity()
    {
        using var session = TestSessions.ForMoto(Moto, recorder);

        var identity = await new StsClient(session).GetCallerIdentityAsync();

        Assert.Equal(MotoServer.AccountId, identity.Account);
        Assert.StartsWith("arn:aws:sts::123456789012:", identity.Arn, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(identity.UserId));
    }

    [Fact]
    public async Task Web_identity_credentials_work_for_the_next_session()
    {
        // No usable credentials: the call is unsigned.
        using var anonymous = TestSessions.ForEndpoint(Moto.Endpoint, credentials: new Amazon.Runtime.AnonymousAWSCredentials(), recorder: recorder);

        var assumed = await new StsClient(anonymous).AssumeRoleWithWebIdentityAsync(new AssumeRoleWithWebIdentityRequest
        {
            RoleArn = "arn:aws:iam::123456789012:role/gitlab-deploy",
            RoleSessionName = "job-42",
            WebIdentityToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0In0.c2ln",
            DurationSeconds = 900,
        });

        var credentials = assumed.Credentials!;
        Assert.StartsWith("ASIA", credentials.AccessKeyId, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(credentials.SecretAccessKey));
        Assert.False(string.IsNullOrEmpty(credentials.SessionToken));
        Assert.True(credentials.Expiration > DateTimeOffset.UtcNow);
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/gitlab-deploy/job-42", assumed.AssumedRoleUser!.Arn);

        using var roleSession = TestSessions.ForEndpoint(Moto.Endpoint, credentials: credentials.ToAwsCredentials(), recorder: recorder);
        var identity = await new StsClient(roleSession).GetCallerIdentityAsync();
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/gitlab-deploy/job-42", identity.Arn);
    }

    [Fact]
    public async Task A_session_on_web_identity_credentials_signs_as_the_assumed_role()
    {
        using var anonymous = TestSessions.ForEndpoint(Moto.Endpoint, credentials: new Amazon.Runtime.AnonymousAWSCredentials(), recorder: recorder);
        var issued = new List<AssumeRoleWithWebIdentityResponse>();
        var credentials = new WebIdentityCredentials(
            new StsClient(anonymous),
            new AssumeRoleWithWebIdentityRequest
            {
                RoleArn = "arn:aws:iam::123456789012:role/gitlab-deploy",
                RoleSessionName = WebIdentityCredentials.SessionName("gitlab-group/app-4711"),
                WebIdentityToken = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwcm9qZWN0In0.c2ln",
            },
            issued.Add);
        using var roleSession = TestSessions.ForEndpoint(Moto.Endpoint, credentials: credentials, recorder: recorder);

        var identity = await new StsClient(roleSession).GetCallerIdentityAsync();

        Assert.Equal("arn:aws:sts::123456789012:assumed-role/gitlab-deploy/gitlab-group-app-4711", identity.Arn);
        var assumed = Assert.Single(issued);
        Assert.Equal(identity.Arn, assumed.AssumedRoleUser!.Arn);
        Assert.Equal(assumed.Credentials!.AccessKeyId, (await roleSession.GetCredentialsAsync()).AccessKey);
    }
}
