using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Deploy.LocalCloud.Hosting;

/// <summary>The few flags the process takes; small enough not to need a parser library.</summary>
internal static class CommandLine
{
    public const int DefaultPort = 4566;
    public const string DefaultStateDirectory = ".nuke/temp/local-cloud/state";

    public static readonly string Usage = $"""
        Usage: Deploy.LocalCloud [options]
          --port <n>            TCP port on 127.0.0.1 (default {DefaultPort}; 0 = any free port)
          --state-dir <path>    state directory (default {DefaultStateDirectory})
          --account-id <id>     account id (default {LocalCloudOptions.DefaultAccountId})
          --region <name>       region (default {LocalCloudOptions.DefaultRegion})
          --access-key <id>     accepted access key id (default {LocalCloudOptions.DefaultAccessKeyId})
                                (its secret is random per state directory: <state-dir>/secret-access-key, owner-only)
          --slow-resources <list>  CloudFormation waits before provisioning these types, e.g.
                                AWS::Logs::LogGroup=5,AWS::ECS::Cluster=2 (seconds; to meet stack work in progress)
          --upload-max-age <s>  blob uploads untouched this many seconds are purged (default 3600)
          --iam-enforcement on|off  authorize role sessions against their role's policies (default on;
                                the configured key is the administrator either way)
          --help                this text
        Stop it with Ctrl+C or SIGTERM.
        """;

    /// <summary>False with a null problem means "--help was asked".</summary>
    public static bool TryParse(string[] args, [NotNullWhen(true)] out LocalCloudOptions? options, out string? problem)
    {
        options = null;
        problem = null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--help" or "-h")
            {
                return false;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                problem = $"Unexpected argument '{args[i]}'.";
                return false;
            }

            values[args[i]] = args[++i];
        }

        var unknown = values.Keys.Except(["--port", "--state-dir", "--account-id", "--region", "--access-key", "--slow-resources", "--upload-max-age", "--iam-enforcement"]).FirstOrDefault();
        if (unknown is not null)
        {
            problem = $"Unknown option '{unknown}'.";
            return false;
        }

        var port = DefaultPort;
        if (values.TryGetValue("--port", out var portText) && (!int.TryParse(portText, CultureInfo.InvariantCulture, out port) || port is < 0 or > 65535))
        {
            problem = $"--port must be 0..65535, not '{portText}'.";
            return false;
        }

        var uploadMaxAge = LocalCloudOptions.DefaultUploadMaxAge;
        if (values.TryGetValue("--upload-max-age", out var ageText))
        {
            if (!double.TryParse(ageText, NumberStyles.Float, CultureInfo.InvariantCulture, out var ageSeconds) || ageSeconds <= 0)
            {
                problem = $"--upload-max-age takes a positive number of seconds, not '{ageText}'.";
                return false;
            }

            uploadMaxAge = TimeSpan.FromSeconds(ageSeconds);
        }

        var enforcement = values.GetValueOrDefault("--iam-enforcement", "on");
        if (enforcement is not ("on" or "off"))
        {
            problem = $"--iam-enforcement takes on or off, not '{enforcement}'.";
            return false;
        }

        var delays = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);
        foreach (var item in values.GetValueOrDefault("--slow-resources", string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = item.LastIndexOf('=');
            if (equals <= 0 || !double.TryParse(item[(equals + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) || seconds < 0)
            {
                problem = $"--slow-resources takes <type>=<seconds>[,...], not '{item}'.";
                return false;
            }

            delays[item[..equals]] = TimeSpan.FromSeconds(seconds);
        }

        options = new LocalCloudOptions
        {
            Port = port,
            StateDirectory = values.GetValueOrDefault("--state-dir", DefaultStateDirectory),
            AccountId = values.GetValueOrDefault("--account-id", LocalCloudOptions.DefaultAccountId),
            Region = values.GetValueOrDefault("--region", LocalCloudOptions.DefaultRegion),
            AccessKeyId = values.GetValueOrDefault("--access-key", LocalCloudOptions.DefaultAccessKeyId),
            UploadMaxAge = uploadMaxAge,
            EnforceIam = enforcement == "on",
        };
        if (delays.Count > 0)
        {
            options = options with { ProvisioningDelays = delays };
        }

        return true;
    }
}
