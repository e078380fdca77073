using System.ComponentModel;
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
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    private readonly Process process;
    private readonly IBuildLog log;
    private readonly List<string> errorOutput = [];
    private readonly Lock gate = new();
    private bool echoErrors;

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
        var arguments = new List<string>(configuration) { "remote-" + remote.Scheme, remote.AbsoluteUri, remote.AbsoluteUri };
        log.Information("> " + ToolRunner.CommandText("git", arguments));
        var startInfo = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = Utf8,
            StandardOutputEncoding = Utf8,
            StandardErrorEncoding = Utf8,
            WorkingDirectory = directory,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        if (environment is not null)
        {
            startInfo.Environment.Clear();
            foreach (var (name, value) in environment)
                startInfo.Environment[name] = value;
        }

        foreach (var (name, value) in extra)
        {
            if (value is null)
                startInfo.Environment.Remove(name);
            else
                startInfo.Environment[name] = value;
        }

        var process = new Process { StartInfo = startInfo };
        var helper = new GitRemoteHelper(process, log);
        process.ErrorDataReceived += (_, e) => helper.OnError(e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            process.Dispose();
            throw new BuildFailedException($"git could not be started: {e.Message}", e);
        }

        process.BeginErrorReadLine();
        process.StandardInput.AutoFlush = true;
        return helper;
    }

    /// <summary>The target's refs as <c>sha ref</c> lines; null when the helper failed (see <see cref="ErrorOutput"/>).</summary>
    public async Task<IReadOnlyList<string>?> ListForPushAsync(CancellationToken cancellationToken)
    {
        if (!await SendAsync("list for-push\n", cancellationToken))
            return null;
        return await ReadUntilBlankAsync(cancellationToken);
    }

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
            if (!await SendAsync($"option cas {lease}\n", cancellationToken))
                return null;
            var answer = await ReadLineAsync(cancellationToken);
            if (answer != "ok")
                throw new BuildFailedException($"git remote-http refused --force-with-lease ({answer ?? "no answer"}); nothing was pushed.");
        }

        var commands = new StringBuilder();
        foreach (var refspec in refspecs)
            commands.Append("push ").Append(refspec).Append('\n');
        if (!await SendAsync(commands.Append('\n').ToString(), cancellationToken))
            return null;
        return await ReadUntilBlankAsync(cancellationToken);
    }

    /// <summary>Ends the session and returns git's exit code.</summary>
    public async Task<int> CloseAsync(CancellationToken cancellationToken)
    {
        try
        {
            // A blank line ends the session; end of input alone is an error to the helper (exit code 1).
            await process.StandardInput.WriteAsync("\n".AsMemory(), cancellationToken);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // Already gone: its exit code says how.
        }

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
        }

        process.WaitForExit(); // drains the error handler
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

    /// <summary>False when the helper is gone (it died on an error it printed to stderr).</summary>
    private async Task<bool> SendAsync(string text, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteAsync(text.AsMemory(), cancellationToken);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Lines up to the blank line that ends an answer; null when the helper exits first.</summary>
    private async Task<IReadOnlyList<string>?> ReadUntilBlankAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        while (await ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
                return lines;
            lines.Add(line);
        }

        return null;
    }

    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await process.StandardOutput.ReadLineAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            Kill();
            throw;
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

    private void Kill()
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Not running.
        }
    }
}
