using System.Diagnostics;
using Docker.DotNet;

namespace Deploy.Delivery.Tests.Images;

/// <summary>The docker CLI, dotnet and the Docker.DotNet client as these tests use them; DOCKER_HOST is honoured by both.</summary>
internal static class Tools
{
    public static DockerClient CreateDockerClient() =>
        (Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host
            ? new DockerClientConfiguration(new Uri(host))
            : new DockerClientConfiguration()).CreateClient();

    public static Task<string> DockerAsync(params string[] arguments) => RunAsync("docker", arguments);

    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await error}{await output}");
        return (await output).Trim();
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Deploy.sln")))
            directory = directory.Parent ?? throw new InvalidOperationException("Deploy.sln not found above the test binaries.");
        return directory.FullName;
    }
}
