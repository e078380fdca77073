using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Deploy.Testing.Oidc;

/// <summary>
/// An OIDC issuer outside the project's code (<c>oidc_oracle.py</c>: Python's standard library and <c>cryptography</c>,
/// JWTs assembled by hand): it serves a discovery document and JWKS on a free loopback port, signs tokens with its key or
/// forges them with another key under the same <c>kid</c>, and checks any issuer's token against that issuer's JWKS.
/// Stop it by disposing (its standard input closes, so it also stops when the test host dies).
/// </summary>
public sealed class OidcOracle : IAsyncDisposable
{
    private readonly Process server;
    private readonly string directory;

    private OidcOracle(Process server, string directory, int port)
    {
        this.server = server;
        this.directory = directory;
        Issuer = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    /// <summary><c>http://127.0.0.1:&lt;port&gt;</c>, the <c>iss</c> of its tokens.</summary>
    public string Issuer { get; }

    /// <summary>The issuer without its scheme: IAM's provider URL, ARN suffix and condition key prefix.</summary>
    public string HostAndPath => Issuer["http://".Length..];

    public static string Script => Path.Combine(RepositoryRoot(), "tests", "Deploy.Testing", "Oidc", "oidc_oracle.py");

    public static async Task<OidcOracle> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("oidc-oracle-").FullName;
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { Script, "serve", directory })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started.");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (!int.TryParse(line, CultureInfo.InvariantCulture, out var port))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"oidc_oracle.py did not start: {line} {await process.StandardError.ReadToEndAsync(timeout.Token)}");
        }

        return new OidcOracle(process, directory, port);
    }

    /// <summary>An RS256 JWT of <paramref name="claims"/> signed with the issuer's key, or forged with another key (same kid).</summary>
    public async Task<string> SignAsync(JsonObject claims, bool forged = false)
    {
        List<string> arguments = [Script, "sign", directory, claims.ToJsonString()];
        if (forged)
        {
            arguments.Add("--stranger");
        }

        var result = await ProcessRunner.RunAsync("python3", arguments);
        return result.ExitCode == 0 ? result.Stdout.Trim() : throw new InvalidOperationException(result.ToString());
    }

    /// <summary>
    /// Checks <paramref name="token"/>'s signature against the JWKS at <paramref name="jwksUrl"/> (any issuer's); returns the
    /// header and payload, or null when the signature does not verify.
    /// </summary>
    public static async Task<(JsonObject Header, JsonObject Payload)?> VerifyAsync(string jwksUrl, string token)
    {
        var result = await ProcessRunner.RunAsync("python3", [Script, "verify", jwksUrl, token]);
        if (result.ExitCode != 0)
        {
            return null;
        }

        var parsed = JsonNode.Parse(result.Stdout)!;
        return (parsed["header"]!.AsObject(), parsed["payload"]!.AsObject());
    }

    /// <summary>GitLab-shaped claims for this issuer: <c>sub</c> of <paramref name="projectPath"/> on <paramref name="branch"/>, valid from now on.</summary>
    public JsonObject Claims(string projectPath, string branch, string audience = "sts.amazonaws.com", TimeSpan? validFor = null, TimeSpan? startsIn = null)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var notBefore = now + (long)(startsIn ?? TimeSpan.FromSeconds(-5)).TotalSeconds;
        return new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = $"project_path:{projectPath}:ref_type:branch:ref:{branch}",
            ["aud"] = audience,
            ["iat"] = now,
            ["nbf"] = notBefore,
            ["exp"] = now + (long)(validFor ?? TimeSpan.FromMinutes(10)).TotalSeconds,
            ["project_path"] = projectPath,
            ["ref"] = branch,
            ["ref_type"] = "branch",
            ["ref_protected"] = "true",
            ["pipeline_source"] = "push",
        };
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            server.StandardInput.Close();
            if (!server.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                server.Kill(entireProcessTree: true);
            }

            await server.WaitForExitAsync();
        }
        finally
        {
            server.Dispose();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Deploy.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Deploy.sln not found above " + AppContext.BaseDirectory);
    }
}
