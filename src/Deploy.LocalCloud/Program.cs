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

LocalCloudInstance cloud;
try
{
    cloud = await LocalCloudInstance.StartAsync(options, TimeSpan.FromSeconds(30));
}
catch (Deploy.LocalCloud.State.LocalCloudStateException e)
{
    Console.Error.WriteLine(e.Message); // one line: the build's launcher shows the last line of this log
    return 1;
}

await using var running = cloud;
Console.WriteLine($"Local cloud listening on {cloud.Endpoint} (state: {Path.GetFullPath(options.StateDirectory)})");
// The secret stays in its owner-only file: this output often goes to a log.
foreach (var (name, value) in cloud.AwsEnvironment().Where(v => v.Key != "AWS_SECRET_ACCESS_KEY"))
{
    Console.WriteLine($"{name}={value}");
}

Console.WriteLine($"AWS_SECRET_ACCESS_KEY: in {Path.GetFullPath(Deploy.LocalCloud.Auth.LocalSecretFile.PathIn(options.StateDirectory))} (owner-only)");

await cloud.WaitForShutdownAsync();
return 0;
