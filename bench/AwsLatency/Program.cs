// DescribeServices round-trips of Deploy.Aws's EcsClient against an endpoint (moto on loopback).
// Usage: AwsLatency --endpoint URL [--calls 50] [--warmup 5] [--cluster bench] [--service web] [--setup]
// --setup first creates the cluster, a task definition and the service. After the warm-up calls, prints the
// duration of each timed call in milliseconds, one per line (bench/aws-latency.sh turns them into percentiles).
using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.Ecs;

var options = Arguments.Parse(args);
using var session = new AwsSession(new AwsSessionOptions
{
    Region = "us-east-1",
    Credentials = new BasicAWSCredentials("testing", "testing"),
    Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = options.Endpoint },
    MaxAttempts = 1,
});
var ecs = new EcsClient(session);

if (options.Setup)
{
    await ecs.CreateClusterAsync(new CreateClusterRequest { ClusterName = options.Cluster });
    await ecs.RegisterTaskDefinitionAsync(new RegisterTaskDefinitionRequest
    {
        Family = "bench",
        ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "nginx:1.27", Memory = 128 }],
    });
    await ecs.CreateServiceAsync(new CreateServiceRequest
    {
        Cluster = options.Cluster,
        ServiceName = options.Service,
        TaskDefinition = "bench",
        DesiredCount = 1,
    });
}

for (var i = 0; i < options.Warmup; i++)
{
    await DescribeAsync();
}

var timings = new double[options.Calls];
for (var i = 0; i < options.Calls; i++)
{
    var started = Stopwatch.GetTimestamp();
    await DescribeAsync();
    timings[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

Console.Out.Write(string.Concat(timings.Select(t => t.ToString("F3", CultureInfo.InvariantCulture) + "\n")));
return 0;

async Task DescribeAsync()
{
    var service = await ecs.DescribeServiceAsync(options.Cluster, options.Service);
    if (service?.ServiceName != options.Service)
    {
        throw new InvalidOperationException($"DescribeServices did not return service '{options.Service}' in cluster '{options.Cluster}'.");
    }
}

internal sealed record Arguments(string Endpoint, int Calls, int Warmup, string Cluster, string Service, bool Setup)
{
    public static Arguments Parse(string[] args)
    {
        var parsed = new Arguments(string.Empty, 50, 5, "bench", "web", false);
        for (var i = 0; i < args.Length; i++)
        {
            parsed = args[i] switch
            {
                "--endpoint" => parsed with { Endpoint = Value(args, ++i) },
                "--calls" => parsed with { Calls = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) },
                "--warmup" => parsed with { Warmup = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) },
                "--cluster" => parsed with { Cluster = Value(args, ++i) },
                "--service" => parsed with { Service = Value(args, ++i) },
                "--setup" => parsed with { Setup = true },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }

        return parsed.Endpoint.Length > 0 ? parsed : throw new ArgumentException("--endpoint URL is required.");
    }

    private static string Value(string[] args, int index) =>
        index < args.Length ? args[index] : throw new ArgumentException($"'{args[index - 1]}' needs a value.");
}
