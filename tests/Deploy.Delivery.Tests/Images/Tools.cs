using Deploy.Testing;
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

    /// <summary>Runs a program that must succeed and returns its trimmed output; image builds may take minutes.</summary>
    public static async Task<string> RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync(program, arguments, timeout: TimeSpan.FromMinutes(15));
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited with {result.ExitCode}: {result.Stderr}{result.Stdout}");
        return result.Stdout.Trim();
    }

    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Deploy.sln")))
            directory = directory.Parent ?? throw new InvalidOperationException("Deploy.sln not found above the test binaries.");
        return directory.FullName;
    }
}
