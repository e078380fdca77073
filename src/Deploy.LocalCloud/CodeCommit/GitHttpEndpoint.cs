using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>
/// Git smart HTTP at <c>/v1/repos/&lt;name&gt;/…</c> (<c>info/refs</c>, <c>git-upload-pack</c>, <c>git-receive-pack</c>): the
/// request is checked against CodeCommit's SigV4 git password (<see cref="GitPasswordVerifier"/>), then handed to
/// <c>git http-backend</c> as a CGI with the bodies streamed both ways. A push's ref changes become
/// <see cref="CodeCommitEvents"/> and the first pushed branch becomes the default branch.
/// </summary>
internal sealed partial class GitHttpEndpoint(
    CodeCommitStore store,
    GitRepositories repositories,
    GitPasswordVerifier verifier,
    CodeCommitEvents events,
    RequestAuthorization authorization,
    ILogger<GitHttpEndpoint> logger)
{
    private const string Prefix = "/v1/repos/";

    /// <summary>Pushes to one repository run one at a time, so the refs read around each one show exactly its changes.</summary>
    private readonly ConcurrentDictionary<string, SemaphoreSlim> pushLocks = new(StringComparer.Ordinal);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? string.Empty;
        var match = GitPath().Match(path.StartsWith(Prefix, StringComparison.Ordinal) ? path[Prefix.Length..] : string.Empty);
        var service = match.Success ? Service(request, match.Groups["rest"].Value) : null;
        if (service is null)
        {
            await Answer(context, StatusCodes.Status404NotFound, "Not found: this endpoint serves git smart HTTP only.\n");
            return;
        }

        var name = match.Groups["name"].Value;
        var (outcome, accessKeyId) = verifier.Verify(request.Headers.Authorization.ToString(), request.Host.Host, Prefix + name);
        if (outcome != GitAuthentication.Accepted)
        {
            context.Response.Headers.WWWAuthenticate = GitPasswordVerifier.Challenge;
            await Answer(context,
                outcome == GitAuthentication.Missing ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden,
                outcome == GitAuthentication.Missing ? "Authentication required.\n" : "The git credentials are wrong or expired.\n");
            return;
        }

        if (await DenialAsync(request, service, name, verifier.Caller(accessKeyId)) is { } denial)
        {
            await Answer(context, StatusCodes.Status403Forbidden, denial.Message + "\n");
            return;
        }

        var repositoryId = store.RepositoryId(name);
        if (repositoryId is null)
        {
            await Answer(context, StatusCodes.Status404NotFound, $"Repository {name} does not exist.\n");
            return;
        }

        repositories.EnsureExists(name);
        if (service != "git-receive-pack" || request.Method != HttpMethods.Post)
        {
            await RunBackendAsync(context, name, match.Groups["rest"].Value, accessKeyId);
            return;
        }

        var gate = pushLocks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(context.RequestAborted);
        try
        {
            var before = repositories.Refs(name);
            await RunBackendAsync(context, name, match.Groups["rest"].Value, accessKeyId);
            if (repositories.Exists(name))
            {
                var after = repositories.Refs(name);
                var recorded = events.Record(name, repositoryId, before, after);
                repositories.EnsureDefaultBranch(name, recorded
                    .Where(e => e is { ReferenceType: "branch", Event: "referenceCreated" })
                    .Select(e => e.ReferenceName));
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The git service a request is for, or null when it is not a smart HTTP request.</summary>
    private static string? Service(HttpRequest request, string rest) => rest switch
    {
        "info/refs" when HttpMethods.IsGet(request.Method)
            && request.Query["service"].ToString() is "git-upload-pack" or "git-receive-pack" => request.Query["service"].ToString(),
        "git-upload-pack" or "git-receive-pack" when HttpMethods.IsPost(request.Method) => rest,
        _ => null,
    };

    private async Task RunBackendAsync(HttpContext context, string name, string rest, string user)
    {
        var request = context.Request;
        var start = GitProcess.StartInfo(repositories.Root, ["http-backend"]);
        start.RedirectStandardInput = true;
        start.StandardOutputEncoding = null;
        start.StandardErrorEncoding = null;
        var environment = start.Environment;
        environment["GIT_PROJECT_ROOT"] = repositories.Root;
        environment["GIT_HTTP_EXPORT_ALL"] = "1";
        environment["PATH_INFO"] = $"/{name}.git/{rest}";
        environment["REQUEST_METHOD"] = request.Method;
        environment["QUERY_STRING"] = request.QueryString.HasValue ? request.QueryString.Value![1..] : string.Empty;
        environment["CONTENT_TYPE"] = request.ContentType ?? string.Empty;
        environment["REMOTE_USER"] = user;
        environment["REMOTE_ADDR"] = context.Connection.RemoteIpAddress?.ToString() ?? "127.0.0.1";
        environment["SERVER_PROTOCOL"] = request.Protocol;
        if (request.ContentLength is { } length)
        {
            environment["CONTENT_LENGTH"] = length.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // git inflates gzip request bodies itself; Git-Protocol selects protocol v2.
        foreach (var (header, variable) in new[] { ("Content-Encoding", "HTTP_CONTENT_ENCODING"), ("Git-Protocol", "HTTP_GIT_PROTOCOL") })
        {
            if (request.Headers.TryGetValue(header, out var value) && value.Count > 0)
            {
                environment[variable] = value.ToString();
            }
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("git http-backend could not be started");
        var aborted = context.RequestAborted;
        using var kill = aborted.Register(() => Kill(process));
        var errors = new StreamReader(process.StandardError.BaseStream, Encoding.UTF8).ReadToEndAsync(CancellationToken.None);
        var input = CopyRequestAsync(request.Body, process.StandardInput.BaseStream, request.Method, aborted);
        try
        {
            var stdout = process.StandardOutput.BaseStream;
            var (head, bodyStart) = await ReadCgiHeadAsync(stdout, aborted);
            if (head is null)
            {
                await input;
                await process.WaitForExitAsync(aborted);
                LogBackendFailure(logger, name, process.ExitCode, (await errors).Trim());
                await Answer(context, StatusCodes.Status500InternalServerError, "git http-backend failed.\n");
                return;
            }

            ApplyCgiHead(context.Response, head);
            await context.Response.Body.WriteAsync(bodyStart, aborted);
            await stdout.CopyToAsync(context.Response.Body, aborted);
            await input;
            await process.WaitForExitAsync(aborted);
            var stderr = (await errors).Trim();
            if (process.ExitCode != 0 || stderr.Length > 0)
            {
                LogBackendOutput(logger, name, process.ExitCode, stderr);
            }
        }
        finally
        {
            Kill(process);
        }
    }

    private static async Task CopyRequestAsync(Stream body, Stream stdin, string method, CancellationToken cancellationToken)
    {
        try
        {
            if (HttpMethods.IsPost(method))
            {
                await body.CopyToAsync(stdin, cancellationToken);
            }
        }
        catch (IOException)
        {
            // git stopped reading (it failed or needed no more input): its own output says what happened.
        }
        finally
        {
            try
            {
                stdin.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
        }
    }

    /// <summary>Reads the CGI header block (up to the blank line) and returns it with the body bytes read past it;
    /// null when git wrote no header block.</summary>
    private static async Task<(string? Head, ReadOnlyMemory<byte> BodyStart)> ReadCgiHeadAsync(Stream stdout, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        var filled = 0;
        while (true)
        {
            var end = HeadEnd(buffer.AsSpan(0, filled), out var separatorLength);
            if (end >= 0)
            {
                return (Encoding.Latin1.GetString(buffer, 0, end), buffer.AsMemory(end + separatorLength, filled - end - separatorLength));
            }

            if (filled == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stdout.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            if (read == 0)
            {
                return (null, ReadOnlyMemory<byte>.Empty);
            }

            filled += read;
        }
    }

    private static int HeadEnd(ReadOnlySpan<byte> data, out int separatorLength)
    {
        var crlf = data.IndexOf("\r\n\r\n"u8);
        var lf = data.IndexOf("\n\n"u8);
        if (crlf >= 0 && (lf < 0 || crlf < lf))
        {
            separatorLength = 4;
            return crlf;
        }

        separatorLength = 2;
        return lf;
    }

    private static void ApplyCgiHead(HttpResponse response, string head)
    {
        response.StatusCode = StatusCodes.Status200OK;
        foreach (var line in head.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Status", StringComparison.OrdinalIgnoreCase))
            {
                response.StatusCode = int.Parse(value.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                response.ContentLength = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else
            {
                response.Headers.Append(name, value);
            }
        }
    }

    private static async Task Answer(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(text, context.RequestAborted);
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Not started or already reaped.
        }
    }

    [GeneratedRegex(@"^(?<name>[\w\.-]{1,100})/(?<rest>info/refs|git-upload-pack|git-receive-pack)$")]
    private static partial Regex GitPath();

    [LoggerMessage(Level = LogLevel.Warning, Message = "git http-backend for {Repository} wrote no response (exit {ExitCode}): {Error}")]
    private static partial void LogBackendFailure(ILogger logger, string repository, int exitCode, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "git http-backend for {Repository} exited with {ExitCode}: {Error}")]
    private static partial void LogBackendOutput(ILogger logger, string repository, int exitCode, string error);
}
