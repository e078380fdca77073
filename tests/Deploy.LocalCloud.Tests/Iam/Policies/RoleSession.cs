using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>A role made by the administrator key with one inline policy, and an STS session of it (session name <c>ci</c>).</summary>
public sealed record RoleSession(AwsCli Cli, string Key, string Secret, string Token, string Arn)
{
    private const string Trust = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}""";

    public static async Task<RoleSession> StartAsync(TestCloud cloud, string role, string policy)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        var cli = cloud.Cli;
        await cli.JsonAsync("iam", "create-role", "--role-name", role, "--assume-role-policy-document", Trust);
        var put = await cli.RunAsync("iam", "put-role-policy", "--role-name", role, "--policy-name", "Scoped", "--policy-document", policy);
        Assert.True(put.ExitCode == 0, put.ToString());
        var credentials = (await cli.JsonAsync("sts", "assume-role", "--role-arn", $"arn:aws:iam::000000000000:role/{role}", "--role-session-name", "ci"))["Credentials"]!;
        var (key, secret, token) = (credentials["AccessKeyId"]!.GetValue<string>(), credentials["SecretAccessKey"]!.GetValue<string>(), credentials["SessionToken"]!.GetValue<string>());
        return new RoleSession(cli.WithSession(key, secret, token), key, secret, token, $"arn:aws:sts::000000000000:assumed-role/{role}/ci");
    }

    /// <summary>AWS's denial message for this session.</summary>
    public string Denial(string action, string resource) =>
        $"User: {Arn} is not authorized to perform: {action} on resource: {resource} because no identity-based policy allows the {action} action";
}
