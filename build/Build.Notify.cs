using System.Diagnostics;
using Deploy.Aws.Sts;
using Deploy.Delivery.Fargate;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Notifications;
using Deploy.Engine;

namespace Deploy.Build;

/// <summary>What a deploy command learned before its outcome: the message needs it even when the command failed.</summary>
sealed class DeployRun
{
    public PlatformOutputs? Platform { get; set; }

    /// <summary>The commit deployed, once known (else the host's).</summary>
    public string? Commit { get; set; }
}

/// <summary>Slack notifications of DeployFargate, Rollback and (through <see cref="NotifyOutcomeAsync"/>) Release.</summary>
internal sealed partial class Build
{
    [Parameter("Slack incoming webhook that DeployFargate, Rollback and Release post their outcome to; usually the SLACK_WEBHOOK_URL CI/CD variable. Unset: no notifications")]
    [Secret]
    readonly string? SlackWebhookUrl;

    [Parameter("The outcomes that notify Slack, comma-separated (by default all but unchanged)")]
    readonly NotificationOutcome[] NotifyOn = [.. NotificationOutcomes.Default];

    // A holder class: its static field is made on first use, where a field of Build (even a Lazy<HttpClient>) loaded
    // System.Net.Http with the Build type on every run, --help included.
    static class SlackHttp
    {
        internal static readonly HttpClient Client = new() { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    DeployNotifier? notifier;

    DeployNotifier Notifier => notifier ??= CreateNotifier();

    DeployNotifier CreateNotifier()
    {
        // The engine masks the [Secret] value as given; a URL also travels as its path (the token) and in escaped form.
        if (Uri.TryCreate(SlackWebhookUrl?.Trim(), UriKind.Absolute, out var webhook))
        {
            RegisterSecret(webhook.AbsoluteUri);
            RegisterSecret(webhook.PathAndQuery);
            RegisterSecret(webhook.PathAndQuery.TrimStart('/'));
        }

        var sender = new SlackWebhookSender(SlackHttp.Client) { OnAttempt = (attempt, answer) => Log.Debug($"Slack: attempt {attempt}: {answer}") };
        return new DeployNotifier(SlackWebhookUrl, NotifyOn, sender, Log);
    }

    /// <summary>
    /// Runs a deploy command, then tells Slack how it ended. A failure is rethrown as it was, after the message; a dry run
    /// and an aborted build notify nobody.
    /// </summary>
    async Task Notifying(string command, Func<DeployRun, Task<DeployResult>> deploy, CancellationToken cancellationToken)
    {
        var run = new DeployRun();
        var started = Stopwatch.GetTimestamp();
        DeployResult result;
        try
        {
            result = await deploy(run);
        }
        catch (Exception e) when (!DryRun && !cancellationToken.IsCancellationRequested)
        {
            var duration = Stopwatch.GetElapsedTime(started);
            await NotifySafelyAsync(command, NotificationOutcomes.Of(e), run, context => DeployNotification.For(context, e, duration), cancellationToken);
            throw;
        }

        Note(result.Summary);
        if (!DryRun && NotificationOutcomes.Of(result) is { } outcome)
        {
            await NotifySafelyAsync(command, outcome, run, context => DeployNotification.For(context, result)!, cancellationToken);
        }
    }

    /// <summary>
    /// For targets that learn their outcome elsewhere (Release: the pipeline's execution): one message, when
    /// <paramref name="outcome"/> is in --notify-on. Never throws.
    /// </summary>
    Task NotifyOutcomeAsync(
        string command,
        NotificationOutcome outcome,
        TimeSpan duration,
        string? reason = null,
        string? taskDefinition = null,
        DeployRun? run = null,
        CancellationToken cancellationToken = default) =>
        NotifySafelyAsync(
            command,
            outcome,
            run ?? new DeployRun { Platform = provisionedOutputs },
            context => new DeployNotification(outcome, context)
            {
                Duration = duration,
                Reason = reason,
                TaskDefinition = taskDefinition,
                RolledBackTo = outcome == NotificationOutcome.RolledBack ? taskDefinition : null,
            },
            cancellationToken);

    /// <summary>Gathers the context only when a message will go, and lets nothing escape: the command's result stays its own.</summary>
    async Task NotifySafelyAsync(
        string command, NotificationOutcome outcome, DeployRun run, Func<NotificationContext, DeployNotification> message, CancellationToken cancellationToken)
    {
        try
        {
            if (Notifier.Wants(outcome))
            {
                await Notifier.NotifyAsync(message(await NotificationContextAsync(command, run, cancellationToken)), cancellationToken);
            }
        }
#pragma warning disable CA1031 // Whatever breaks in a notification must not replace the command's own outcome.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The type only: a message could quote a URL.
            Log.Warning($"Slack notification ({NotificationOutcomes.Name(outcome)}) not sent: {e.GetType().Name}. The {command} result stands.");
        }
    }

    /// <summary>The message's context: best effort, each part left out when it cannot be had (the run may have failed early).</summary>
    async Task<NotificationContext> NotificationContextAsync(string command, DeployRun run, CancellationToken cancellationToken)
    {
        var (account, region) = await AccountAndRegionAsync(cancellationToken);
        var quietGit = new ToolRunner(new DebugOnlyLog(Log), environment: Environment, workingDirectory: RootDirectory);
        var commit = await RunFacts.CommitAsync(
            run.Commit ?? Host.CommitSha,
            Environment,
            sha => RunFacts.GitAsync(quietGit, sha, cancellationToken));
        return new NotificationContext
        {
            Command = command,
            Service = run.Platform?.ServiceName,
            Cluster = run.Platform?.ClusterName,
            ServiceUrl = run.Platform?.LoadBalancerUrl,
            Profile = Profiles.Count > 0 ? "profile " + string.Join("+", Profiles)
                : Cloud == CloudKind.Local ? "local cloud"
                : AwsProfile is { } named ? "AWS profile " + named
                : "AWS",
            Account = account,
            Region = region,
            Commit = commit,
            RanOn = RunFacts.Where(Host, Environment, System.Environment.MachineName),
        };
    }

    async Task<(string? Account, string? Region)> AccountAndRegionAsync(CancellationToken cancellationToken)
    {
        try
        {
            var session = await AwsSessionAsync();
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(15));
            var identity = await new StsClient(session).GetCallerIdentityAsync(timeout.Token);
            return (identity.Account, session.Region);
        }
#pragma warning disable CA1031 // The account is a detail of the message: without it, the message still goes.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Log.Debug($"Slack: the account is left out of the message ({e.GetType().Name}: {e.Message})");
            return (null, awsSession?.Region ?? AwsRegion);
        }
    }

    /// <summary>The git lookups of a message are not the build's business unless the output is verbose.</summary>
    sealed class DebugOnlyLog(IBuildLog log) : IBuildLog
    {
        public bool IsQuiet => log.IsQuiet;

        public void Information(string message) => log.Debug(message);

        public void Warning(string message) => log.Debug(message);

        public void Error(string message) => log.Debug(message);

        public void Debug(string message) => log.Debug(message);

        public void Write(string text) => log.Debug(text);
    }
}
