using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>A minimal OCI distribution client over HttpClient, to exercise the protocol paths Docker does not (chunks, indexes, bad digests).</summary>
public sealed class RegistryClient : IDisposable
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";

    private readonly HttpClient http;

    public RegistryClient(Uri endpoint, string? password)
    {
        http = new HttpClient { BaseAddress = endpoint };
        if (password is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("AWS:" + password)));
        }
    }

    public HttpClient Http => http;

    public static async Task<RegistryClient> LoginAsync(TestCloud cloud)
    {
        var result = await cloud.Cli.RunAsync("ecr", "get-login-password");
        Assert.True(result.ExitCode == 0, result.ToString());
        return new RegistryClient(cloud.Instance.Endpoint, result.Stdout.Trim());
    }

    public static string Digest(byte[] content) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>POST to open an upload, PATCH the content in two chunks, PUT with the digest.</summary>
    public async Task<HttpResponseMessage> PushBlobChunkedAsync(string repository, byte[] content, string? claimedDigest = null)
    {
        using var start = await http.PostAsync($"/v2/{repository}/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!;
        var half = content.Length / 2;
        foreach (var (offset, length) in new[] { (0, half), (half, content.Length - half) })
        {
            using var chunk = new ByteArrayContent(content, offset, length);
            chunk.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            chunk.Headers.ContentRange = null;
            using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
            patch.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + length - 1}");
            using var patched = await http.SendAsync(patch);
            Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
            Assert.Equal($"0-{offset + length - 1}", patched.Headers.GetValues("Range").Single());
            location = patched.Headers.Location!;
        }

        var separator = location.OriginalString.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return await http.PutAsync($"{location.OriginalString}{separator}digest={claimedDigest ?? Digest(content)}", null);
    }

    /// <summary>Single-request upload: POST with <c>?digest=</c> and the content.</summary>
    public async Task<string> PushBlobMonolithicAsync(string repository, byte[] content)
    {
        var digest = Digest(content);
        using var response = await http.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", new ByteArrayContent(content));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, response.Headers.GetValues("Docker-Content-Digest").Single());
        return digest;
    }

    /// <summary>Pushes a config blob and one layer, then an OCI manifest; returns the manifest digest.</summary>
    public async Task<string> PushImageAsync(string repository, string tag, string uniqueContent)
    {
        var layer = Encoding.UTF8.GetBytes("layer:" + uniqueContent);
        var config = Encoding.UTF8.GetBytes($"{{\"architecture\":\"amd64\",\"os\":\"linux\",\"note\":\"{uniqueContent}\"}}");
        var layerDigest = await PushBlobMonolithicAsync(repository, layer);
        var configDigest = await PushBlobMonolithicAsync(repository, config);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciManifest,
            ["config"] = new JsonObject { ["mediaType"] = OciConfig, ["digest"] = configDigest, ["size"] = config.Length },
            ["layers"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = "application/vnd.oci.image.layer.v1.tar",
                ["digest"] = layerDigest,
                ["size"] = layer.Length,
            }),
        };
        using var response = await PutManifestAsync(repository, tag, manifest.ToJsonString(), OciManifest);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return response.Headers.GetValues("Docker-Content-Digest").Single();
    }

    public Task<HttpResponseMessage> PutManifestAsync(string repository, string reference, string manifest, string mediaType)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(manifest));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return http.PutAsync($"/v2/{repository}/manifests/{reference}", content);
    }

    public static async Task<string> ErrorCodeAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![0]!["code"]!.GetValue<string>();

    public void Dispose() => http.Dispose();
}
