using Deploy.SampleService;

// Probe mode lets the Docker HEALTHCHECK and the ECS healthCheck run without curl in the image.
if (args is ["--probe", ..])
    return await HealthProbe.RunAsync(args.ElementAtOrDefault(1));

var app = WebApplication.CreateBuilder(args).Build();
app.MapServiceEndpoints();
await app.RunAsync();
return 0;
