using System.Diagnostics;
using System.Globalization;
using Deploy.Aws.Ecs;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;
using Xunit.Abstractions;

namespace Deploy.Aws.Tests.Ecs;

/// <summary>
/// DescribeServices round-trips against moto on loopback: this client vs the aws CLI issuing the same call.
/// Runs only with <c>DEPLOY_AWS_BENCHMARK=1</c> (it spawns the CLI dozens of times); prints p50 latencies and
/// their ratio to the test output (<c>dotnet test --logger "console;verbosity=detailed"</c>).
/// </summary>
[Collection(MotoGroup.Name)]
public sealed class DescribeServicesBenchmark(MotoServer moto, ITestOutputHelper output) : IAsyncLifetime
{
    private const int ClientCalls = 200;
    private const int CliCalls = 20;

    private static bool Enabled => Environment.GetEnvironmentVariable("DEPLOY_AWS_BENCHMARK") == "1";

    public Task InitializeAsync() => Enabled ? moto.ResetAsync() : Task.CompletedTask;

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DescribeServices_latency_of_this_client_and_of_the_aws_CLI_against_moto()
    {
        if (!Enabled)
        {
            output.WriteLine("Set DEPLOY_AWS_BENCHMARK=1 to run the benchmark.");
            return;
        }

        using var session = MotoSessions.For(moto);
        var ecs = new EcsClient(session);
        await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = "main" });
        await ecs.RegisterTaskDefinitionAsync(new RegisterTaskDefinitionRequest
        {
            Family = "app",
            ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "app:1", Memory = 128 }],
        });
        await ecs.CreateServiceAsync(new CreateServiceRequest { Cluster = "main", ServiceName = "web", TaskDefinition = "app", DesiredCount = 1 });

        for (var i = 0; i < 10; i++)
        {
            await ecs.DescribeServiceAsync("main", "web");
        }

        var ours = new List<double>();
        for (var i = 0; i < ClientCalls; i++)
        {
            var clock = Stopwatch.StartNew();
            var service = await ecs.DescribeServiceAsync("main", "web");
            ours.Add(clock.Elapsed.TotalMilliseconds);
            Assert.NotNull(service);
        }

        var cli = new List<double>();
        for (var i = 0; i < CliCalls; i++)
        {
            var clock = Stopwatch.StartNew();
            await RunCliAsync();
            cli.Add(clock.Elapsed.TotalMilliseconds);
        }

        var ourP50 = Percentile(ours, 0.5);
        var cliP50 = Percentile(cli, 0.5);
        output.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"DescribeServices p50: client {ourP50:F2} ms (p90 {Percentile(ours, 0.9):F2}, n={ClientCalls}); aws CLI {cliP50:F0} ms (p90 {Percentile(cli, 0.9):F0}, n={CliCalls}); CLI/client = {cliP50 / ourP50:F1}x"));
    }

    private async Task RunCliAsync()
    {
        var start = new ProcessStartInfo("aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ecs", "describe-services", "--cluster", "main", "--services", "web", "--endpoint-url", moto.Endpoint.ToString(), "--region", MotoServer.Region })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = MotoServer.AccessKeyId;
        start.Environment["AWS_SECRET_ACCESS_KEY"] = MotoServer.SecretAccessKey;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await stderr);
        Assert.Contains("\"serviceName\": \"web\"", await stdout, StringComparison.Ordinal);
    }

    private static double Percentile(List<double> values, double share)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)(share * sorted.Count))];
    }
}
