using System.Diagnostics;
using System.Text;
using Deploy.Engine;

namespace Deploy.Delivery.Mirror;

/// <summary>
/// One <c>git remote-http(s)</c> process driven over the remote-helper protocol (gitremote-helpers(7)) the way
/// <c>git push</c> drives it: <c>list for-push</c> reads the target's refs with the same request the push then reuses,
/// so a mirror makes the requests of one plain <c>git push</c> and starts one git instead of <c>git ls-remote</c> plus
/// <c>git push</c>. git keeps doing all the HTTP (proxies, TLS settings, the credential helper, its error messages).
/// </summary>
internal sealed class GitRemoteHelper : IAsyncDisposable
{
    private readonly Process process;
    private readonly IBuildLog log;
    private readonly List<string> errorOutput = [];
    private readonly Lock gate = new();
    private bool echoErrors;
    private Task errorsRead = Task.CompletedTask;

    private GitRemoteHelper(Process process, IBuildLog log)
    {
        this.process = process;
        this.log = log;
    }

    /// <summary>The helper's standard error so far (git's <c>fatal:</c> lines, the server's <c>remote:</c> lines).</summary>
    public IReadOnlyList<string> ErrorOutput
    {
        get
        {
            lock (gate)
                return [.. errorOutput];
        }
    }

    /// <summary>Starts <c>git [configuration] remote-&lt;scheme&gt; &lt;url&gt; &lt;url&gt;</c> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The source repository (the push reads its objects).</param>
    /// <param name="configuration"><c>-c</c> options for git.</param>
    /// <param name="remote">An http or https URL without credentials.</param>
    /// <param name="environment">The child's complete environment (the build's); this process's when null.</param>
    /// <param name="extra">Set on top (null removes a variable).</param>
    /// <param name="log">Echoes the command line and, while pushing, git's standard error.</param>
    public static GitRemoteHelper Start(
        string directory, IReadOnlyList<string> configuration, Uri remote, IReadOnlyDictionary<string, string>? environment,
        IReadOnlyDictionary<string, string?> extra, IBuildLog log)
    {
        List<string> arguments = [.. configuration, "remote-" + remote.Scheme, remote.AbsoluteUri, remote.AbsoluteUri];
        var process = GitProcess.Start(directory, arguments, environment, extra, redirectInput: true, log);
        var helper = new GitRemoteHelper(process, log);
        process.StandardInput.AutoFlush = true;
        helper.errorsRead = GitProcess.ReadLinesAsync(process.StandardError, isLast: null, onLine: helper.OnError);
        return helper;
    }

    /// <summary>Asks for the target's refs (<c>list for-push</c>) and returns at once, so the helper's request travels while
    /// other gits start; <see cref="ReadRefsAsync"/> reads the answer.</summary>
    public void RequestRefs() => Send("list for-push\n"); // when gone already, ReadRefsAsync finds no answer

    /// <summary>The answer to <see cref="RequestRefs"/>: <c>sha ref</c> lines; null when the helper failed (see
    /// <see cref="ErrorOutput"/>).</summary>
    public Task<IReadOnlyList<string>?> ReadRefsAsync(CancellationToken cancellationToken) => ReadUntilBlankAsync(cancellationToken);

    /// <summary>
    /// Pushes <paramref name="refspecs"/> (<c>sha:ref</c>, <c>:ref</c>), each ref in <paramref name="leases"/> only while the
    /// target still has the given sha (<c>--force-with-lease</c>). Returns the helper's status lines (<c>ok &lt;ref&gt;</c>,
    /// <c>error &lt;ref&gt; &lt;why&gt;</c>), null when it failed before reporting. The helper's stderr is echoed meanwhile.
    /// </summary>
    public async Task<IReadOnlyList<string>?> PushAsync(
        IEnumerable<string> leases, IEnumerable<string> refspecs, CancellationToken cancellationToken)
    {
        lock (gate)
            echoErrors = true;
        foreach (var lease in leases)
        {
            if (!Send($"option cas {lease}\n"))
                return null;
            var answer = await ReadAsync(GitProcess.ReadLineAsync(process.StandardOutput), cancellationToken);
            if (answer != "ok")
                throw new BuildFailedException($"git remote-http refused --force-with-lease ({answer ?? "no answer"}); nothing was pushed.");
        }

        var commands = new StringBuilder();
        foreach (var refspec in refspecs)
            commands.Append("push ").Append(refspec).Append('\n');
        if (!Send(commands.Append('\n').ToString()))
            return null;
        return await ReadUntilBlankAsync(cancellationToken);
    }

    /// <summary>Ends the session and returns git's exit code.</summary>
    public async Task<int> CloseAsync(CancellationToken cancellationToken)
    {
        // A blank line ends the session; end of input alone is an error to the helper (exit code 1).
        if (Send("\n"))
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone: its exit code says how.
            }
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            GitProcess.Kill(process);
            throw;
        }

        await errorsRead; // every line of standard error
        return process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!HasExited())
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await CloseAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                // Killed by CloseAsync.
            }
        }

        process.Dispose();
    }

    private void OnError(string? line)
    {
        if (line is null)
            return;
        bool echo;
        lock (gate)
        {
            errorOutput.Add(line);
            echo = echoErrors;
        }

        if (echo && !log.IsQuiet)
            log.Write(line);
    }

    /// <summary>False when the helper is gone (it died on an error it printed to stderr). A few bytes to a pipe: the
    /// write does not block.</summary>
    private bool Send(string text)
    {
        try
        {
            process.StandardInput.Write(text);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Lines up to the blank line that ends an answer; null when the helper exits first.</summary>
    private async Task<IReadOnlyList<string>?> ReadUntilBlankAsync(CancellationToken cancellationToken) =>
        await ReadAsync(GitProcess.ReadLinesAsync(process.StandardOutput, isLast: line => line.Length == 0, onLine: null), cancellationToken);

    /// <summary>Cancellation kills the helper, which ends the blocked read.</summary>
    private async Task<T> ReadAsync<T>(Task<T> read, CancellationToken cancellationToken)
    {
        using (cancellationToken.Register(() => GitProcess.Kill(process)))
        {
            var result = await read;
            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
    }

    private bool HasExited()
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }
}
