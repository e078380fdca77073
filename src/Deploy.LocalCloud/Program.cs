using Deploy.LocalCloud.Hosting;

// Entry point: parse flags, start on loopback, print how to point the aws CLI at it, run until Ctrl+C.
if (!CommandLine.TryParse(args, out var options, out var problem))
{
    if (problem is null)
    {
        Console.WriteLine(CommandLine.Usage);
        return 0;
    }

    Console.Error.WriteLine(problem);
    Console.Error.WriteLine(CommandLine.Usage);
    return 2;
}

await using var cloud = await LocalCloudInstance.StartAsync(options, TimeSpan.FromSeconds(30));
Console.WriteLine($"Local cloud listening on {cloud.Endpoint} (state: {Path.GetFullPath(options.StateDirectory)})");
foreach (var (name, value) in cloud.AwsEnvironment())
{
    Console.WriteLine($"{name}={value}");
}

await cloud.WaitForShutdownAsync();
return 0;
