using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Deploy.Delivery.Infra;

/// <summary>Whether an image tag in the repository may be pushed again with different content.</summary>
public enum ImageTagMutability
{
    /// <summary>A tag, once pushed, always names the same image (the default: a deployed tag cannot drift).</summary>
    Immutable,

    /// <summary>Tags can be moved to other images.</summary>
    Mutable,
}

/// <summary>How the repository encrypts images at rest.</summary>
public enum RepositoryEncryptionType
{
    /// <summary>Amazon S3-managed keys (AES-256), no key to manage.</summary>
    Aes256,

    /// <summary>An AWS KMS key: the given one, or the account's AWS-managed <c>aws/ecr</c> key when none is given.</summary>
    Kms,
}

/// <summary>Encryption at rest of the image repository (it cannot be changed once the repository exists).</summary>
/// <param name="Type">AES256 or KMS.</param>
/// <param name="KmsKey">For KMS only: the key's ARN, id or alias; null means the AWS-managed <c>aws/ecr</c> key.</param>
public sealed record RepositoryEncryption(RepositoryEncryptionType Type, string? KmsKey = null)
{
    /// <summary>AES-256 with keys managed by AWS (the default).</summary>
    public static RepositoryEncryption Aes256 { get; } = new(RepositoryEncryptionType.Aes256);

    /// <summary>KMS encryption with the given key, or with the AWS-managed key when <paramref name="key"/> is null.</summary>
    public static RepositoryEncryption Kms(string? key = null) => new(RepositoryEncryptionType.Kms, key);
}

/// <summary>What the repository's lifecycle policy keeps: the newest tagged images, and untagged ones for a while.</summary>
/// <param name="KeepTaggedImages">How many tagged images to keep (older ones expire).</param>
/// <param name="ExpireUntaggedAfterDays">Untagged images expire this many days after their push.</param>
public sealed record ImageLifecycle(int KeepTaggedImages = 30, int ExpireUntaggedAfterDays = 7)
{
    /// <summary>The typed rules the policy text is made of, in priority order.</summary>
    public IReadOnlyList<EcrLifecycleRule> Rules =>
    [
        new(1, $"Expire untagged images {ExpireUntaggedAfterDays} days after their push",
            EcrTagStatus.Untagged, [], EcrLifecycleCount.DaysSincePush(ExpireUntaggedAfterDays)),
        new(2, $"Keep only the newest {KeepTaggedImages} tagged images",
            EcrTagStatus.Tagged, ["*"], EcrLifecycleCount.MoreThan(KeepTaggedImages)),
    ];
}

/// <summary>
/// The platform ProvisionInfra declares: every knob with its default. Values come from build parameters;
/// <see cref="Validate"/> checks them against what AWS accepts before anything is rendered.
/// </summary>
public sealed partial record PlatformSettings
{
    /// <summary>Chatbot configuration names have at most 128 characters; the template appends "-deploys" to the service name.</summary>
    private const int MaxServiceNameWithSlack = 120;

    /// <summary>The retention values CloudWatch Logs accepts (PutRetentionPolicy's <c>Days</c>).</summary>
    public static IReadOnlyList<int> AllowedLogRetentionDays { get; } =
        [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>CodeBuild compute types that can run a privileged (Docker) Linux build.</summary>
    public static IReadOnlyList<string> AllowedBuildComputeTypes { get; } =
        ["BUILD_GENERAL1_SMALL", "BUILD_GENERAL1_MEDIUM", "BUILD_GENERAL1_LARGE", "BUILD_GENERAL1_XLARGE", "BUILD_GENERAL1_2XLARGE"];

    /// <summary>
    /// The ECS service's name; also names the image repository, the cluster, the log group and the task definition
    /// family. Lower case letters, digits, single hyphens or underscores between them.
    /// </summary>
    public string ServiceName { get; init; } = "sample-service";

    public ImageTagMutability TagMutability { get; init; } = ImageTagMutability.Immutable;

    public ImageLifecycle Lifecycle { get; init; } = new();

    public RepositoryEncryption Encryption { get; init; } = RepositoryEncryption.Aes256;

    /// <summary>CloudWatch Container Insights on the cluster (metrics per task and service).</summary>
    public bool ContainerInsights { get; init; } = true;

    /// <summary>Days the service's and the build's log events are kept; one of <see cref="AllowedLogRetentionDays"/>.</summary>
    public int LogRetentionDays { get; init; } = 30;

    /// <summary>The port the service's container listens on (the target group's port).</summary>
    public int ServicePort { get; init; } = 8080;

    /// <summary>IPv4 CIDR allowed to reach the load balancer on port 80.</summary>
    public string LoadBalancerIngressCidr { get; init; } = "0.0.0.0/0";

    /// <summary>The VPC; null means the caller passes the default VPC as the template's <c>VpcId</c> parameter.</summary>
    public string? VpcId { get; init; }

    /// <summary>Subnets (at least two, in different zones) for the load balancer and the tasks; empty means the default VPC's.</summary>
    public IReadOnlyList<string> SubnetIds { get; init; } = [];

    /// <summary>The CodeCommit repository GitLab mirrors to; defaults to the service name.</summary>
    public string CodeCommitRepositoryName
    {
        get => field ?? ServiceName;
        init;
    }

    /// <summary>The branch whose changes start the pipeline.</summary>
    public string Branch { get; init; } = "main";

    public string BuildComputeType { get; init; } = "BUILD_GENERAL1_SMALL";

    /// <summary>The CodeBuild image; the project always runs privileged so that the build can use Docker.</summary>
    public string BuildImage { get; init; } = "aws/codebuild/standard:7.0";

    /// <summary>The pipeline's name; defaults to <c>&lt;service&gt;-pipeline</c>.</summary>
    public string PipelineName
    {
        get => field ?? $"{ServiceName}-pipeline";
        init;
    }

    /// <summary>
    /// The Slack workspace (team) id, such as <c>T0123ABCD</c>, of an AWS Chatbot Slack channel that relays the platform's
    /// deploy notifications; give it with <see cref="SlackChannelId"/>, or neither (no Chatbot configuration). The workspace
    /// must be authorized in the AWS Chatbot console once per account.
    /// </summary>
    public string? SlackWorkspaceId { get; init; }

    /// <summary>The Slack channel id (not its #name), such as <c>C0123ABCD</c>, that receives the deploy notifications.</summary>
    public string? SlackChannelId { get; init; }

    /// <summary>True when both Slack ids are given: the template then adds the AWS Chatbot Slack channel configuration.</summary>
    public bool HasSlackChannel => SlackWorkspaceId is not null && SlackChannelId is not null;

    /// <summary>True when the VPC and subnets are given here rather than looked up (default VPC) by the caller.</summary>
    public bool HasExplicitNetwork => VpcId is not null || SubnetIds.Count > 0;

    /// <summary>
    /// How the caller's users name a setting (member name → e.g. <c>--log-retention-days</c>), so that a message points at
    /// what they typed; settings not in the map are named by their member name.
    /// </summary>
    public IReadOnlyDictionary<string, string> SettingNames { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    private string Setting(string member) => SettingNames.TryGetValue(member, out var name) ? name : member;

    /// <summary>Every problem with these settings, one sentence each; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();

        if (ServiceName.Length is < 2 or > 200 || !ServiceNamePattern().IsMatch(ServiceName))
        {
            errors.Add($"{Setting(nameof(ServiceName))} '{ServiceName}' must be 2 to 200 lower case letters or digits, with single '-' or '_' between them (it names the image repository, the cluster and the ECS service).");
        }

        if (Lifecycle.KeepTaggedImages is < 1 or > 10000)
        {
            errors.Add($"{Setting("Lifecycle.KeepTaggedImages")} is {Lifecycle.KeepTaggedImages}; keep between 1 and 10000 tagged images.");
        }

        if (Lifecycle.ExpireUntaggedAfterDays is < 1 or > 3650)
        {
            errors.Add($"{Setting("Lifecycle.ExpireUntaggedAfterDays")} is {Lifecycle.ExpireUntaggedAfterDays}; use 1 to 3650 days.");
        }

        if (Encryption.Type == RepositoryEncryptionType.Aes256 && Encryption.KmsKey is not null)
        {
            errors.Add("Encryption names a KMS key but its type is AES256; choose KMS encryption to use a key.");
        }

        if (Encryption.KmsKey is { } key && (string.IsNullOrWhiteSpace(key) || key.Length > 2048))
        {
            errors.Add("Encryption.KmsKey must be a key ARN, id or alias (1 to 2048 characters).");
        }

        if (!AllowedLogRetentionDays.Contains(LogRetentionDays))
        {
            errors.Add($"{Setting(nameof(LogRetentionDays))} is {LogRetentionDays.ToString(CultureInfo.InvariantCulture)}, which CloudWatch Logs does not accept; use one of {string.Join(", ", AllowedLogRetentionDays)}.");
        }

        if (ServicePort is < 1 or > 65535)
        {
            errors.Add($"{Setting(nameof(ServicePort))} is {ServicePort}; use a TCP port from 1 to 65535.");
        }

        if (!IPNetwork.TryParse(LoadBalancerIngressCidr, out var network) || network.BaseAddress.AddressFamily != AddressFamily.InterNetwork
            || !LoadBalancerIngressCidr.Contains('/', StringComparison.Ordinal))
        {
            errors.Add($"{Setting(nameof(LoadBalancerIngressCidr))} '{LoadBalancerIngressCidr}' is not an IPv4 CIDR block such as 0.0.0.0/0 or 203.0.113.0/24.");
        }

        ValidateNetwork(errors);

        if (CodeCommitRepositoryName.Length is < 1 or > 100 || !CodeCommitNamePattern().IsMatch(CodeCommitRepositoryName)
            || CodeCommitRepositoryName.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"CodeCommitRepositoryName '{CodeCommitRepositoryName}' must be 1 to 100 letters, digits, '.', '_' or '-', not ending in .git.");
        }

        if (Branch.Length is < 1 or > 256 || !BranchPattern().IsMatch(Branch))
        {
            errors.Add($"{Setting(nameof(Branch))} '{Branch}' is not a valid git branch name.");
        }

        if (!AllowedBuildComputeTypes.Contains(BuildComputeType))
        {
            errors.Add($"BuildComputeType '{BuildComputeType}' is not one of {string.Join(", ", AllowedBuildComputeTypes)}.");
        }

        if (string.IsNullOrWhiteSpace(BuildImage) || BuildImage.Any(char.IsWhiteSpace))
        {
            errors.Add($"BuildImage '{BuildImage}' must be an image reference such as aws/codebuild/standard:7.0.");
        }

        if (PipelineName.Length is < 1 or > 100 || !PipelineNamePattern().IsMatch(PipelineName))
        {
            errors.Add($"PipelineName '{PipelineName}' must be 1 to 100 letters, digits, '.', '@', '-' or '_'.");
        }

        ValidateSlack(errors);
        ValidateGitLab(errors);

        return errors;
    }

    /// <summary>Throws <see cref="PlatformSettingsException"/> listing every problem when the settings are not valid.</summary>
    public PlatformSettings EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new PlatformSettingsException(errors);
    }

    private void ValidateNetwork(List<string> errors)
    {
        if (VpcId is null && SubnetIds.Count == 0)
        {
            return;
        }

        if (VpcId is null || SubnetIds.Count == 0)
        {
            errors.Add($"Give both {Setting(nameof(VpcId))} and {Setting(nameof(SubnetIds))}, or neither (then the default VPC and its subnets are used).");
        }

        if (VpcId is not null && !VpcIdPattern().IsMatch(VpcId))
        {
            errors.Add($"{Setting(nameof(VpcId))} '{VpcId}' is not a VPC id (vpc- and 8 or 17 hexadecimal digits).");
        }

        foreach (var subnet in SubnetIds.Where(s => !SubnetIdPattern().IsMatch(s)))
        {
            errors.Add($"{Setting(nameof(SubnetIds))} contains '{subnet}', which is not a subnet id (subnet- and 8 or 17 hexadecimal digits).");
        }

        if (SubnetIds.Count == 1)
        {
            errors.Add($"{Setting(nameof(SubnetIds))} has one subnet; an Application Load Balancer needs at least two, in different Availability Zones.");
        }

        if (SubnetIds.Distinct(StringComparer.Ordinal).Count() != SubnetIds.Count)
        {
            errors.Add($"{Setting(nameof(SubnetIds))} lists a subnet twice.");
        }
    }

    private void ValidateSlack(List<string> errors)
    {
        if (SlackWorkspaceId is null && SlackChannelId is null)
        {
            return;
        }

        if (SlackWorkspaceId is null || SlackChannelId is null)
        {
            errors.Add($"Give both {Setting(nameof(SlackWorkspaceId))} and {Setting(nameof(SlackChannelId))}, or neither (then no AWS Chatbot channel relays the platform's notifications).");
        }

        if (SlackWorkspaceId is not null && !SlackWorkspaceIdPattern().IsMatch(SlackWorkspaceId))
        {
            errors.Add($"{Setting(nameof(SlackWorkspaceId))} '{SlackWorkspaceId}' is not a Slack workspace (team) id such as T0123ABCD: upper case letters and digits, as the AWS Chatbot console shows it.");
        }

        if (SlackChannelId is not null && !SlackChannelIdPattern().IsMatch(SlackChannelId))
        {
            errors.Add($"{Setting(nameof(SlackChannelId))} '{SlackChannelId}' is not a Slack channel id such as C0123ABCD: letters and digits, the id from the channel's details, not its #name.");
        }

        if (HasSlackChannel && ServiceName.Length > MaxServiceNameWithSlack)
        {
            errors.Add($"{Setting(nameof(ServiceName))} '{ServiceName}' has {ServiceName.Length} characters; with a Slack channel it names the Chatbot configuration <service>-deploys, so use at most {MaxServiceNameWithSlack}.");
        }
    }

    [GeneratedRegex("^[0-9A-Z]{1,255}$")]
    private static partial Regex SlackWorkspaceIdPattern();

    [GeneratedRegex("^[A-Za-z0-9]{1,256}$")]
    private static partial Regex SlackChannelIdPattern();

    [GeneratedRegex("^[a-z0-9]+(?:[_-][a-z0-9]+)*$")]
    private static partial Regex ServiceNamePattern();

    [GeneratedRegex(@"^[\w.-]+$")]
    private static partial Regex CodeCommitNamePattern();

    [GeneratedRegex(@"^(?!/)(?!.*//)(?!.*\.\.)(?!.*@\{)(?!.*\.lock$)(?!.*/$)[^\s~^:?*\[\\\x00-\x1f\x7f]+$")]
    private static partial Regex BranchPattern();

    [GeneratedRegex("^[A-Za-z0-9.@_-]+$")]
    private static partial Regex PipelineNamePattern();

    [GeneratedRegex("^vpc-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex VpcIdPattern();

    [GeneratedRegex("^subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})$")]
    private static partial Regex SubnetIdPattern();
}

/// <summary>The platform settings are not valid; <see cref="Errors"/> says why, one sentence per problem.</summary>
public sealed class PlatformSettingsException : Exception
{
    public PlatformSettingsException(IReadOnlyList<string> errors)
        : base(Describe(errors)) => Errors = errors;

    public PlatformSettingsException()
        : this(["The platform settings are not valid."])
    {
    }

    public PlatformSettingsException(string message)
        : this([message])
    {
    }

    public PlatformSettingsException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }

    private static string Describe(IReadOnlyList<string> errors) => errors.Count == 1
        ? "Invalid platform settings: " + errors[0]
        : $"Invalid platform settings ({errors.Count} problems):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
