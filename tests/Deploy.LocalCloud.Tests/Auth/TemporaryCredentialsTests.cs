using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Tests.CodeCommit;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Deploy.LocalCloud.Tests.Auth;

/// <summary>Temporary credentials of a role, used by independent clients (the aws CLI, AWSSDK, botocore presigning, git).</summary>
public sealed class TemporaryCredentialsTests
{
    private const string RoleArn = "arn:aws:iam::000000000000:role/service-role/codebuild-app";

    [Fact]
    public async Task The_aws_cli_signing_with_a_session_is_the_assumed_role_and_the_root_key_is_still_the_user()
    {
        await using var cloud = await TestCloud.StartAsync();
        var session = Issue(cloud, "build-7");

        var assumed = await cloud.Cli.WithSession(session.AccessKeyId, session.SecretAccessKey, session.SessionToken).JsonAsync("sts", "get-caller-identity");
        var root = await cloud.Cli.JsonAsync("sts", "get-caller-identity");

        Assert.StartsWith("ASIA", session.AccessKeyId, StringComparison.Ordinal);
        Assert.Equal(20, session.AccessKeyId.Length);
        Assert.Equal("arn:aws:sts::000000000000:assumed-role/codebuild-app/build-7", assumed["Arn"]!.GetValue<string>());
        Assert.Matches("^AROA[A-Z2-7]{17}:build-7$", assumed["UserId"]!.GetValue<string>());
        Assert.Equal("000000000000", assumed["Account"]!.GetValue<string>());
        Assert.Equal("arn:aws:iam::000000000000:user/local", root["Arn"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task AWSSDK_with_session_credentials_gets_the_assumed_role_and_with_another_token_is_refused()
    {
        await using var cloud = await TestCloud.StartAsync();
        var session = Issue(cloud, "sdk");
        var other = Issue(cloud, "other");
        using var client = Client(cloud, new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, session.SessionToken));
        using var wrongToken = Client(cloud, new SessionAWSCredentials(session.AccessKeyId, session.SecretAccessKey, other.SessionToken));

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        var refused = await Assert.ThrowsAsync<AmazonSecurityTokenServiceException>(() => wrongToken.GetCallerIdentityAsync(new GetCallerIdentityRequest()));

        Assert.Equal("arn:aws:sts::000000000000:assumed-role/codebuild-app/sdk", identity.Arn);
        Assert.EndsWith(":sdk", identity.UserId, StringComparison.Ordinal);
        Assert.Equal("InvalidClientTokenId", refused.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task A_session_key_without_its_token_or_with_another_is_refused_with_the_unknown_key_codes()
    {
        await using var cloud = await TestCloud.StartAsync();
        var session = Issue(cloud, "a");
        var other = Issue(cloud, "b");
        var noToken = cloud.Cli.WithSession(session.AccessKeyId, session.SecretAccessKey, null);
        var wrongToken = cloud.Cli.WithSession(session.AccessKeyId, session.SecretAccessKey, other.SessionToken);

        Assert.Equal("UnrecognizedClientException", await noToken.ErrorCodeAsync("ecr", "describe-repositories"));
        Assert.Equal("InvalidClientTokenId", await noToken.ErrorCodeAsync("sts", "get-caller-identity"));
        Assert.Equal("UnrecognizedClientException", await wrongToken.ErrorCodeAsync("logs", "describe-log-groups"));
        Assert.Equal("InvalidClientTokenId", await wrongToken.ErrorCodeAsync("sts", "get-caller-identity"));
        Assert.Equal("SignatureDoesNotMatch", await cloud.Cli.WithSession(session.AccessKeyId, other.SecretAccessKey, session.SessionToken).ErrorCodeAsync("sts", "get-caller-identity"));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task An_expired_session_is_refused_with_ExpiredTokenException_for_json_and_ExpiredToken_for_query()
    {
        await using var cloud = await TestCloud.StartAsync();
        var session = Sessions(cloud).Issue(RoleArn, "short", TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var expired = cloud.Cli.WithSession(session.AccessKeyId, session.SecretAccessKey, session.SessionToken);

        var json = await expired.RunAsync("logs", "describe-log-groups");
        var query = await expired.RunAsync("sts", "get-caller-identity");

        Assert.Contains("(ExpiredTokenException)", json.Stderr, StringComparison.Ordinal);
        Assert.Contains("The security token included in the request is expired", json.Stderr, StringComparison.Ordinal);
        Assert.Contains("(ExpiredToken)", query.Stderr, StringComparison.Ordinal);
        Assert.Contains("The security token included in the request is expired", query.Stderr, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Sessions_survive_a_restart_in_an_owner_only_file()
    {
        using var state = new TempDirectory();
        TemporaryCredentials session;
        await using (var first = await TestCloud.StartAsync(state.Path))
        {
            session = Issue(first, "kept");
        }

        await using var second = await TestCloud.StartAsync(state.Path);
        var identity = await second.Cli.WithSession(session.AccessKeyId, session.SecretAccessKey, session.SessionToken).JsonAsync("sts", "get-caller-identity");

        Assert.Equal("arn:aws:sts::000000000000:assumed-role/codebuild-app/kept", identity["Arn"]!.GetValue<string>());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(state.Path, "sessions.json")));
    }

    [Fact]
    public async Task A_url_presigned_by_botocore_with_a_session_carries_its_token_and_is_accepted()
    {
        await using var cloud = await TestCloud.StartAsync();
        var session = Issue(cloud, "presigned");
        var script = "import botocore.session,sys;" +
                     "c=botocore.session.get_session().create_client('sts',endpoint_url=sys.argv[1],region_name='us-east-1'," +
                     "aws_access_key_id=sys.argv[2],aws_secret_access_key=sys.argv[3],aws_session_token=sys.argv[4]);" +
                     "print(c.generate_presigned_url('get_caller_identity',HttpMethod='GET'))";
        var presign = await ProcessRunner.RunAsync("python3",
            ["-c", script, cloud.Instance.Endpoint.ToString().TrimEnd('/'), session.AccessKeyId, session.SecretAccessKey, session.SessionToken]);
        Assert.True(presign.ExitCode == 0, presign.ToString());
        using var http = new HttpClient();

        var url = presign.Stdout.Trim();
        using var response = await http.GetAsync(new Uri(url));

        Assert.Contains("X-Amz-Security-Token=", url, StringComparison.Ordinal);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        Assert.Contains("assumed-role/codebuild-app/presigned", body, StringComparison.Ordinal);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Git_clones_with_a_sessions_password_from_the_aws_credential_helper_and_not_with_another_token()
    {
        // Authentication of the session's git password only (its role has no policies); what a session may pull and push
        // under enforcement is DataPlaneEnforcementTests'.
        await using var cloud = await TestCloud.StartAsync(configure: builder => builder.WithIamEnforcement(false));
        var created = await cloud.Cli.JsonAsync("codecommit", "create-repository", "--repository-name", "svc");
        var url = created["repositoryMetadata"]!["cloneUrlHttp"]!.GetValue<string>();
        var session = Issue(cloud, "git");
        var other = Issue(cloud, "git-other");
        using var git = new GitClient(cloud.Instance, session.SecretAccessKey, session.SessionToken);
        git.Environment["AWS_ACCESS_KEY_ID"] = session.AccessKeyId;
        using var wrong = new GitClient(cloud.Instance, session.SecretAccessKey, other.SessionToken);
        wrong.Environment["AWS_ACCESS_KEY_ID"] = session.AccessKeyId;

        var cloned = await git.RunAsync(git.Path("."), "clone", "-q", url, git.Path("ok"));
        var refused = await wrong.RunAsync(wrong.Path("."), "clone", "-q", url, wrong.Path("refused"));

        Assert.True(cloned.ExitCode == 0, cloned.ToString());
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("403", refused.Stderr, StringComparison.Ordinal);
    }

    private static TemporaryCredentialStore Sessions(TestCloud cloud) => cloud.Instance.Services.GetRequiredService<TemporaryCredentialStore>();

    private static TemporaryCredentials Issue(TestCloud cloud, string sessionName) => Sessions(cloud).Issue(RoleArn, sessionName);

    private static AmazonSecurityTokenServiceClient Client(TestCloud cloud, AWSCredentials credentials) =>
        new(credentials, new AmazonSecurityTokenServiceConfig
        {
            ServiceURL = cloud.Instance.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        });
}
