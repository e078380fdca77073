using System.Globalization;
using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CodeCommit;

internal sealed partial class GitHttpEndpoint
{
    /// <summary>Pushes name at most this many bytes of ref updates before their pack (git sends them first).</summary>
    private const int CommandLimit = 1024 * 1024;

    /// <summary>
    /// A fetch or clone (<c>git-upload-pack</c>) needs <c>codecommit:GitPull</c>, a push (<c>git-receive-pack</c>)
    /// <c>codecommit:GitPush</c> on the repository. A push's update request carries the refs it changes as
    /// <c>codecommit:References</c> (<c>refs/heads/main</c>); its ref advertisement names none, which is why AWS's example
    /// policies pair their condition with <c>Null</c> on the key. Null when allowed.
    /// </summary>
    private async Task<AccessDenial?> DenialAsync(HttpRequest request, string service, string repository, CallerIdentity caller)
    {
        if (!authorization.Enforces(caller))
        {
            return null;
        }

        var push = service == "git-receive-pack";
        var references = push && HttpMethods.IsPost(request.Method) ? await PushedReferencesAsync(request) : [];
        return authorization.ActionDenial(caller, push ? "codecommit:GitPush" : "codecommit:GitPull",
            name => name == "RepositoryName" ? [repository] : [],
            references.Select(reference => KeyValuePair.Create("codecommit:References", reference)));
    }

    /// <summary>
    /// The ref names of a receive-pack request's commands (pkt-lines <c>old new ref\0capabilities</c> up to the flush),
    /// read from the buffered body, which is rewound for git.
    /// </summary>
    private static async Task<List<string>> PushedReferencesAsync(HttpRequest request)
    {
        request.EnableBuffering();
        var references = new List<string>();
        var length = new byte[4];
        var read = 0;
        while (read < CommandLimit && await ReadExactlyAsync(request.Body, length, request.HttpContext.RequestAborted))
        {
            if (!int.TryParse(Encoding.ASCII.GetString(length), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 4)
            {
                break;
            }

            var line = new byte[size - 4];
            if (!await ReadExactlyAsync(request.Body, line, request.HttpContext.RequestAborted))
            {
                break;
            }

            read += size;
            var text = Encoding.UTF8.GetString(line).Split('\0')[0].TrimEnd('\n');
            if (text.Split(' ') is [{ Length: >= 40 }, { Length: >= 40 }, var reference])
            {
                references.Add(reference);
            }
        }

        request.Body.Position = 0;
        return references;
    }

    private static async Task<bool> ReadExactlyAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            await body.ReadExactlyAsync(buffer, cancellationToken);
            return true;
        }
        catch (EndOfStreamException)
        {
            return false;
        }
    }
}
