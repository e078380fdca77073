using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Deploy.Testing.GitLab;

/// <summary>What a GitLab job's ID token says about the job (the local issuer fills in GitLab's other claims).</summary>
public sealed record GitLabJobClaims(string ProjectPath, string Ref, string Sha, string PipelineSource, long JobId);

/// <summary>Mints a job's <c>id_tokens</c> token from the local cloud's GitLab issuer, as GitLab would hand it to the job.</summary>
public static class LocalGitLabTokens
{
    /// <summary>
    /// Asks <paramref name="issuer"/> (the local cloud's issuer URL, e.g. <c>http://127.0.0.1:port/_gitlab</c>) for a
    /// token; the call is SigV4-signed with the local cloud's own key, so only its administrator can mint.
    /// </summary>
    public static async Task<string> MintAsync(Uri issuer, string region, AWSCredentials administrator, GitLabJobClaims claims)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        ArgumentNullException.ThrowIfNull(claims);
        var uri = new Uri(issuer.ToString().TrimEnd('/') + "/-/id_tokens");
        var body = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["projectPath"] = claims.ProjectPath,
            ["ref"] = claims.Ref,
            ["sha"] = claims.Sha,
            ["pipelineSource"] = claims.PipelineSource,
            ["jobId"] = claims.JobId,
        }.ToJsonString());
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = uri, Content = body };
        signing.Headers["Content-Type"] = "application/json";
        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = administrator,
            Region = RegionEndpoint.GetBySystemName(region),
            Service = "sts",
            SignedAt = DateTime.UtcNow,
        }).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        foreach (var (name, value) in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var http = new HttpClient();
        using var response = await http.SendAsync(request).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"minting a GitLab token: {(int)response.StatusCode} {text}"));
        }

        return JsonNode.Parse(text)!["token"]!.GetValue<string>();
    }
}
