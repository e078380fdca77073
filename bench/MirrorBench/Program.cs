using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Deploy.Aws;
using Deploy.Delivery.Mirror;
using Deploy.Engine;

// Usage: MirrorBench <source-dir> <ours-url-prefix> <plain-url> <iterations> <warmup>
// Credentials from the environment: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN/AWS_REGION (SigV4),
// BENCH_GIT_USERNAME/BENCH_GIT_PASSWORD (static; also embedded in the plain push's URL).
// Each iteration commits once in the source, then times, in rotating order:
//   mirror-sigv4    GitMirror.RunAsync to <ours-url-prefix>-sigv4 with a SigV4-derived password
//   mirror-static   GitMirror.RunAsync to <ours-url-prefix>-static with the static credential
//   mirror-preempt  as mirror-sigv4, with PreemptiveAuth (no 401 probe) to <ours-url-prefix>-preempt
//   push --mirror   `git push --mirror http://user:pass@.../plain` (one git process)
var source = args[0];
var oursPrefix = args[1];
var plainUrl = new Uri(args[2]);
var iterations = int.Parse(args[3], CultureInfo.InvariantCulture);
var warmup = int.Parse(args[4], CultureInfo.InvariantCulture);

var username = Environment.GetEnvironmentVariable("BENCH_GIT_USERNAME")!;
var password = Environment.GetEnvironmentVariable("BENCH_GIT_PASSWORD")!;
using var session = new AwsSession(new AwsSessionOptions
{
    Region = Environment.GetEnvironmentVariable("AWS_REGION") ?? "us-east-1",
    Credentials = new SessionAWSCredentials(
        Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID"),
        Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY"),
        Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN")),
});
var log = new SilentLog();
var mirror = new GitMirror(new ToolRunner(log), log, _ => { });
var plainWithCredentials = new UriBuilder(plainUrl) { UserName = username, Password = password }.Uri.AbsoluteUri;

var variants = new (string Name, Func<Task> Run)[]
{
    ("mirror-sigv4", () => Mirror(new Uri(oursPrefix + "-sigv4"), new CodeCommitCredentialSource(session))),
    ("mirror-static", () => Mirror(new Uri(oursPrefix + "-static"), new StaticGitCredentialSource(username, password))),
    ("mirror-preempt", () => Mirror(new Uri(oursPrefix + "-preempt"), new CodeCommitCredentialSource(session), preemptive: true)),
    ("push --mirror", () => Git(source, "push", "--mirror", "--quiet", plainWithCredentials)),
};
var times = variants.ToDictionary(v => v.Name, _ => new List<double>());
for (var i = 0; i < warmup + iterations; i++)
{
    await Git(source, "commit", "-q", "--allow-empty", "-m", "bench " + i.ToString(CultureInfo.InvariantCulture));
    for (var k = 0; k < variants.Length; k++)
    {
        var (name, run) = variants[(i + k) % variants.Length];
        var started = Stopwatch.GetTimestamp();
        await run();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (i >= warmup)
            times[name].Add(elapsed);
    }
}

var baseline = Median(times["push --mirror"]);
Console.WriteLine($"iterations: {iterations} (after {warmup} warm-up), 1 new commit each, times in ms");
Console.WriteLine($"{"variant",-16}{"p50",9}{"p90",9}{"min",9}{"ratio p50",11}");
foreach (var (name, _) in variants)
{
    var sample = times[name];
    var p50 = Median(sample);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-16}{p50,9:F1}{Percentile(sample, 0.9),9:F1}{sample.Min(),9:F1}{p50 / baseline,11:F2}"));
}

async Task Mirror(Uri remote, IGitCredentialSource credentials, bool preemptive = false)
{
    var result = await mirror.RunAsync(new GitMirrorOptions { SourceDirectory = source, RemoteUrl = remote, Credentials = credentials, PreemptiveAuth = preemptive });
    if (result.Updates.Count != 1)
        throw new InvalidOperationException($"expected 1 ref pushed to {remote}, got: {result.Summary}");
}

static async Task Git(string directory, params string[] arguments)
{
    var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardError = true, RedirectStandardOutput = true };
    foreach (var argument in arguments)
        start.ArgumentList.Add(argument);
    start.Environment["GIT_TERMINAL_PROMPT"] = "0";
    using var process = Process.Start(start)!;
    var error = process.StandardError.ReadToEndAsync();
    await process.StandardOutput.ReadToEndAsync();
    await process.WaitForExitAsync();
    if (process.ExitCode != 0)
        throw new InvalidOperationException($"git {arguments[0]} failed: {await error}");
}

static double Median(List<double> values) => Percentile(values, 0.5);

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}

sealed class SilentLog : IBuildLog
{
    public bool IsQuiet => true;

    public void Information(string message)
    {
    }

    public void Warning(string message)
    {
    }

    public void Error(string message) => Console.Error.WriteLine(message);

    public void Debug(string message)
    {
    }

    public void Write(string text)
    {
    }
}
