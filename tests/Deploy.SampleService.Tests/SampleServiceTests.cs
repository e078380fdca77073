using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Deploy.Testing;
using Microsoft.AspNetCore.Builder;

namespace Deploy.SampleService.Tests;

public sealed class SampleServiceTests : IAsyncLifetime
{
    private static readonly HttpClient Http = new();
    private WebApplication? _app;

    private Uri BaseAddress => new(_app!.Urls.Single());

    public async Task InitializeAsync() =>
        _app = await StartAsync(("SERVICE_NAME", "sample"), ("SERVICE_VERSION", "1.2.3"), ("SERVICE_COMMIT", "abc1234"));

    public async Task DisposeAsync() => await _app!.DisposeAsync();

    [Fact]
    public async Task Root_reports_the_service_name_version_and_commit_from_configuration()
    {
        var json = await Http.GetStringAsync(BaseAddress);

        Assert.Equal("""{"service":"sample","version":"1.2.3","commit":"abc1234"}""", json);
    }

    [Fact]
    public async Task Health_answers_200_with_status_healthy()
    {
        using var response = await Http.GetAsync(new Uri(BaseAddress, "/health"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new HealthStatus("healthy"), await response.Content.ReadFromJsonAsync<HealthStatus>());
    }

    [Fact]
    public async Task Probe_mode_exits_0_against_a_healthy_instance()
    {
        Assert.Equal(0, await RunProbeAsync(new Uri(BaseAddress, "/health")));
    }

    [Fact]
    public async Task Probe_mode_exits_1_against_a_closed_port()
    {
        Assert.Equal(1, await RunProbeAsync(new Uri($"http://127.0.0.1:{FreePort.Next()}/health")));
    }

    [Fact]
    public async Task Unconfigured_service_reports_unknown_version_and_commit()
    {
        await using var app = await StartAsync();

        var info = await Http.GetFromJsonAsync<ServiceInfo>(new Uri(app.Urls.Single()));

        Assert.Equal(new ServiceInfo("unknown", "unknown", "unknown"), info);
    }

    // Real Kestrel on a free loopback port, configured with the keys the image sets as environment variables.
    private static async Task<WebApplication> StartAsync(params (string Key, string Value)[] settings)
    {
        var builder = WebApplication.CreateBuilder(["--urls", "http://127.0.0.1:0"]);
        foreach (var (key, value) in settings)
            builder.Configuration[key] = value;
        var app = builder.Build();
        app.MapServiceEndpoints();
        await app.StartAsync();
        return app;
    }

    // Runs the built executable itself, as the HEALTHCHECK does, so the exit code is the real one.
    private static async Task<int> RunProbeAsync(Uri url)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Deploy.SampleService.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet") { ArgumentList = { dll, "--probe", url.ToString() }, RedirectStandardError = true })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
