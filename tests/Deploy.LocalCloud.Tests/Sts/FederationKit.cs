using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Sts;

/// <summary>
/// Shared steps of the federation tests: an OIDC provider and a role that trusts it (made with the aws CLI), trust
/// policies as GitLab federation writes them, and tokens minted by the local issuer through its SigV4-signed call
/// (signed by AWSSDK.Core's signer, not ours).
/// </summary>
internal static class FederationKit
{
    public const string Audience = "sts.amazonaws.com";

    /// <summary>The trust GitLab federation uses: the provider as Federated principal, aud and sub pinned with StringEquals.</summary>
    public static string Trust(string hostAndPath, string projectPath, string branch, string account = "000000000000") => new JsonObject
    {
        ["Version"] = "2012-10-17",
        ["Statement"] = new JsonArray(new JsonObject
        {
            ["Effect"] = "Allow",
            ["Principal"] = new JsonObject { ["Federated"] = $"arn:aws:iam::{account}:oidc-provider/{hostAndPath}" },
            ["Action"] = "sts:AssumeRoleWithWebIdentity",
            ["Condition"] = new JsonObject
            {
                ["StringEquals"] = new JsonObject
                {
                    [hostAndPath + ":aud"] = Audience,
                    [hostAndPath + ":sub"] = $"project_path:{projectPath}:ref_type:branch:ref:{branch}",
                },
            },
        }),
    }.ToJsonString();

    /// <summary>Registers <paramref name="issuer"/> as OIDC provider (audience sts.amazonaws.com) and a role trusting its tokens of that project and branch.</summary>
    public static async Task<string> FederateAsync(AwsCli cli, string issuer, string roleName, string projectPath, string branch)
    {
        await cli.JsonAsync("iam", "create-open-id-connect-provider", "--url", issuer, "--client-id-list", Audience);
        var role = await cli.JsonAsync("iam", "create-role", "--role-name", roleName, "--assume-role-policy-document",
            Trust(issuer[(issuer.IndexOf("://", StringComparison.Ordinal) + 3)..], projectPath, branch));
        return role["Role"]!["Arn"]!.GetValue<string>();
    }

    /// <summary>POSTs a token request to the local issuer, signed with <paramref name="credentials"/> (none: unsigned).</summary>
    public static async Task<HttpResponseMessage> MintAsync(LocalCloudInstance cloud, JsonObject request, AWSCredentials? credentials)
    {
        var uri = new Uri(cloud.Endpoint, "/_gitlab/-/id_tokens");
        var body = Encoding.UTF8.GetBytes(request.ToJsonString());
        var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        message.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        if (credentials is not null)
        {
            var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = uri, Content = body };
            signing.Headers["Content-Type"] = "application/json";
            var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
            {
                Credentials = credentials,
                Region = RegionEndpoint.GetBySystemName(cloud.Options.Region),
                Service = "sts",
                SignedAt = DateTime.UtcNow,
            });
            foreach (var (name, value) in signed.Headers)
            {
                message.Headers.TryAddWithoutValidation(name, value);
            }
        }

        using var http = new HttpClient();
        return await http.SendAsync(message);
    }

    /// <summary>A token of the local issuer, minted with the local cloud's own key.</summary>
    public static async Task<string> MintAsync(LocalCloudInstance cloud, string projectPath, string branch, JsonObject? more = null)
    {
        var request = more ?? [];
        request["projectPath"] = projectPath;
        request["ref"] = branch;
        using var response = await MintAsync(cloud, request, new BasicAWSCredentials(cloud.Options.AccessKeyId, cloud.SecretAccessKey));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!["token"]!.GetValue<string>();
    }

    /// <summary>The aws CLI's <c>sts assume-role-with-web-identity</c> (unsigned, as botocore sends it), token from standard input.</summary>
    public static Task<Deploy.Testing.ProcessResult> AssumeAsync(AwsCli cli, string roleArn, string sessionName, string token, params string[] more) =>
        Deploy.Testing.ProcessRunner.RunAsync("aws",
            ["sts", "assume-role-with-web-identity", "--role-arn", roleArn, "--role-session-name", sessionName, "--web-identity-token", "file:///dev/stdin", "--output", "json", .. more],
            cli.Environment, stdin: token);
}
