// DescribeServices round-trips of Deploy.Aws's EcsClient against an endpoint (moto or the local cloud on loopback).
// Usage: AwsLatency --endpoint URL [--calls 50] [--warmup 5] [--cluster bench] [--service web] [--setup]
//                   [--access-key testing] [--secret-key testing (default: $AWS_SECRET_ACCESS_KEY)] [--region us-east-1]
//                   [--credentials-file FILE] [--concurrency C [--duration SECONDS] [--timings FILE]]
// --setup first creates the cluster, a task definition and the service.
// --credentials-file: temporary credentials instead, as `aws sts assume-role` prints them ({"Credentials":
// {"AccessKeyId","SecretAccessKey","SessionToken"}}): a file (0600), so neither the secret nor the token is an argument.
// Default (no --concurrency): one client, sequential calls; after the warm-up calls, prints the duration of each timed
// call in milliseconds, one per line (bench/aws-latency.sh turns them into percentiles).
// --concurrency C: C clients (each its own session, so its own HTTP connection) call at the same time, each after its own
// warm-up calls, until --calls calls were made in total or, with --duration, until that many seconds have passed.
// Prints one summary line: clients=C calls=N errors=E seconds=S throughput=N/S p50= p90= p99= max= (ms, nearest rank);
// --timings FILE also writes each timed call's milliseconds there, one per line (to pool several runs' percentiles).
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Aws.Ecs;

var options = Arguments.Parse(args);
using var session = NewSession();
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

if (options.Concurrency > 0)
{
    return await ConcurrentAsync();
}

for (var i = 0; i < options.Warmup; i++)
{
    await DescribeAsync(ecs);
}

var timings = new double[options.Calls];
for (var i = 0; i < options.Calls; i++)
{
    var started = Stopwatch.GetTimestamp();
    await DescribeAsync(ecs);
    timings[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

Console.Out.Write(string.Concat(timings.Select(t => t.ToString("F3", CultureInfo.InvariantCulture) + "\n")));
return 0;

AwsSession NewSession() => new(new AwsSessionOptions
{
    Region = options.Region,
    Credentials = options.CredentialsFile is { } file ? SessionCredentials(file) : new BasicAWSCredentials(options.AccessKey, options.SecretKey),
    Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = options.Endpoint },
    MaxAttempts = 1,
});

// The secret and token are never printed: a missing field names the field only.
static SessionAWSCredentials SessionCredentials(string file)
{
    var credentials = JsonNode.Parse(File.ReadAllText(file))?["Credentials"];
    string Field(string name) => credentials?[name]?.GetValue<string>() is { Length: > 0 } value
        ? value
        : throw new ArgumentException($"--credentials-file {file} has no Credentials.{name} (expected `aws sts assume-role` output).");
    return new SessionAWSCredentials(Field("AccessKeyId"), Field("SecretAccessKey"), Field("SessionToken"));
}

async Task DescribeAsync(EcsClient client)
{
    var service = await client.DescribeServiceAsync(options.Cluster, options.Service);
    if (service?.ServiceName != options.Service)
    {
        throw new InvalidOperationException($"DescribeServices did not return service '{options.Service}' in cluster '{options.Cluster}'.");
    }
}

// C clients at once; failed calls are counted (and the first one reported), not retried, and not in the percentiles.
async Task<int> ConcurrentAsync()
{
    var sessions = Enumerable.Range(0, options.Concurrency).Select(_ => NewSession()).ToList();
    try
    {
        var clients = sessions.Select(s => new EcsClient(s)).ToList();
        await Task.WhenAll(clients.Select(async client =>
        {
            for (var i = 0; i < options.Warmup; i++)
            {
                await DescribeAsync(client);
            }
        }));

        var timed = new ConcurrentBag<double>();
        var errors = 0;
        var issued = 0;
        string? firstError = null;
        var deadline = options.Duration > 0 ? TimeSpan.FromSeconds(options.Duration) : Timeout.InfiniteTimeSpan;
        var started = Stopwatch.GetTimestamp();
        bool More() => options.Duration > 0
            ? Stopwatch.GetElapsedTime(started) < deadline
            : Interlocked.Increment(ref issued) <= options.Calls;

        await Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            while (More())
            {
                var callStarted = Stopwatch.GetTimestamp();
                try
                {
                    await DescribeAsync(client);
                    timed.Add(Stopwatch.GetElapsedTime(callStarted).TotalMilliseconds);
                }
                catch (Exception e) when (e is AwsServiceException or HttpRequestException or InvalidOperationException or TaskCanceledException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.Message, null);
                }
            }
        })));
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;

        var sorted = timed.Order().ToArray();
        double Percentile(double p) => sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        string F(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
        if (options.Timings is { } timingsFile)
        {
            await File.WriteAllTextAsync(timingsFile, string.Concat(sorted.Select(t => F(t) + "\n")));
        }

        if (firstError is not null)
        {
            Console.Error.WriteLine($"{errors} calls failed; first: {firstError}");
        }

        Console.Out.WriteLine(
            $"clients={options.Concurrency} calls={sorted.Length} errors={errors} seconds={F(seconds)} throughput={F(sorted.Length / seconds)} " +
            $"p50={F(Percentile(0.50))} p90={F(Percentile(0.90))} p99={F(Percentile(0.99))} max={F(sorted.Length == 0 ? double.NaN : sorted[^1])}");
        return errors == 0 ? 0 : 2;
    }
    finally
    {
        sessions.ForEach(s => s.Dispose());
    }
}

internal sealed record Arguments(
    string Endpoint, int Calls, int Warmup, string Cluster, string Service, bool Setup,
    string AccessKey, string SecretKey, string Region, int Concurrency, double Duration, string? CredentialsFile = null, string? Timings = null)
{
    public static Arguments Parse(string[] args)
    {
        // The secret from the environment by default, so it need not be an argument (the process list shows those).
        var secret = Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } fromEnvironment ? fromEnvironment : "testing";
        var parsed = new Arguments(string.Empty, 50, 5, "bench", "web", false, "testing", secret, "us-east-1", 0, 0);
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
                "--access-key" => parsed with { AccessKey = Value(args, ++i) },
                "--secret-key" => parsed with { SecretKey = Value(args, ++i) },
                "--region" => parsed with { Region = Value(args, ++i) },
                "--concurrency" => parsed with { Concurrency = int.Parse(Value(args, ++i), CultureInfo.InvariantCulture) },
                "--duration" => parsed with { Duration = double.Parse(Value(args, ++i), CultureInfo.InvariantCulture) },
                "--credentials-file" => parsed with { CredentialsFile = Value(args, ++i) },
                "--timings" => parsed with { Timings = Value(args, ++i) },
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'."),
            };
        }

        if (parsed.Endpoint.Length == 0)
        {
            throw new ArgumentException("--endpoint URL is required.");
        }

        return parsed.Concurrency >= 0 && parsed.Duration >= 0 && parsed.Calls >= 0 && parsed.Warmup >= 0
            ? parsed
            : throw new ArgumentException("--concurrency, --duration, --calls and --warmup cannot be negative.");
    }

    private static string Value(string[] args, int index) =>
        index < args.Length ? args[index] : throw new ArgumentException($"'{args[index - 1]}' needs a value.");
}
