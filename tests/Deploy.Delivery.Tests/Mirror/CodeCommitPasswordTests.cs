using System.Globalization;
using Amazon.Runtime;
using Deploy.Aws.CodeCommit;

namespace Deploy.Delivery.Tests.Mirror;

/// <summary>The SigV4 git password (Deploy.Aws's CodeCommitGit, which the mirror uses) against an independent Python
/// implementation and against the aws CLI's own credential helper.</summary>
public sealed class CodeCommitPasswordTests
{
    [Theory]
    [InlineData("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/x", "us-east-1", "20261127T101500", true)]
    [InlineData("https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app-mirror", "eu-west-1", "20240229T235959", true)]
    [InlineData("https://git-codecommit.ap-southeast-2.amazonaws.com/v1/repos/service", "ap-southeast-2", "20250101T000000", false)]
    [InlineData("http://127.0.0.1:8123/v1/repos/local", "us-east-1", "20261127T120000", true)]
    public void Our_password_equals_the_independent_python_implementation(string url, string region, string timestamp, bool withToken)
    {
        var at = DateTimeOffset.ParseExact(timestamp, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

        var ours = CodeCommitGit.Sign(Credentials(withToken), new Uri(url), region, at);
        var python = TestAws.PythonSign(url, region, timestamp, withToken);

        Assert.Equal(python.Username, ours.Username);
        Assert.Equal(python.Password, ours.Password);
        Assert.Equal(withToken ? TestAws.AccessKey + "%" + TestAws.SessionToken : TestAws.AccessKey, ours.Username);
        Assert.Matches("^" + timestamp + "Z[0-9a-f]{64}$", ours.Password);
    }

    [Fact]
    public void The_aws_cli_credential_helper_computes_the_same_password_as_ours_and_python_at_its_timestamp()
    {
        var environment = GitSandbox.ChildEnvironment(Path.GetTempPath(), Path.GetTempPath());
        foreach (var (name, value) in TestAws.Environment())
            environment[name] = value;
        environment["AWS_CONFIG_FILE"] = "/dev/null";
        environment["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null";
        environment["AWS_DEFAULT_REGION"] = "us-east-1";
        var input = "protocol=https\nhost=git-codecommit.us-east-1.amazonaws.com\npath=v1/repos/x\n";

        var output = GitSandbox.Run(Path.GetTempPath(), environment, "sh", "-c", $"printf '{input.Replace("\n", "\\n", StringComparison.Ordinal)}' | aws codecommit credential-helper --ignore-host-check get");

        var cli = output.Split('\n').Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var timestamp = cli["password"][..15];
        var at = DateTimeOffset.ParseExact(timestamp, "yyyyMMdd'T'HHmmss", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var url = "https://git-codecommit.us-east-1.amazonaws.com/v1/repos/x";
        var ours = CodeCommitGit.Sign(Credentials(withToken: true), new Uri(url), "us-east-1", at);
        var python = TestAws.PythonSign(url, "us-east-1", timestamp);

        Assert.Equal(cli["username"], ours.Username);
        Assert.Equal(cli["password"], ours.Password);
        Assert.Equal(python.Password, ours.Password);
    }

    private static ImmutableCredentials Credentials(bool withToken) =>
        new(TestAws.AccessKey, TestAws.SecretKey, withToken ? TestAws.SessionToken : null);
}
