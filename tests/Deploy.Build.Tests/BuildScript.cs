using System.Diagnostics;

namespace Deploy.Build.Tests;

/// <summary>Runs the repository's build.sh / build.ps1 in a child process and captures what a user sees.</summary>
public static class BuildScript
{
    public static string Root { get; } = FindRoot();

    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public IReadOnlyList<string> ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    public static Task<Result> RunAsync(params string[] arguments) => RunProcessAsync(Path.Combine(Root, "build.sh"), arguments);

    public static async Task<Result> RunProcessAsync(
        string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, TimeSpan? timeout = null)
    {
        using var process = Process.Start(StartInfo(fileName, arguments, environment, workingDirectory))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {(timeout ?? TimeSpan.FromMinutes(5)).TotalMinutes:0} min");
        }

        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>Starts ./build.sh and returns while it runs, e.g. to send it a signal.</summary>
    internal static RunningProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null) =>
        new(StartInfo(Path.Combine(Root, "build.sh"), arguments, environment));

    private static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Behave like a developer's terminal run, whatever CI variables the test host inherited.
        foreach (var name in new[] { "GITLAB_CI", "CODEBUILD_BUILD_ID" })
        {
            start.Environment.Remove(name);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "build.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("build.sh not found above " + AppContext.BaseDirectory);
    }
}
