namespace Deploy.LocalCloud.Hosting;

/// <summary>Everything that configures one local cloud process. Defaults match the README.</summary>
public sealed record LocalCloudOptions
{
    public const string DefaultAccessKeyId = "local";
    public const string DefaultAccountId = "000000000000";
    public const string DefaultRegion = "us-east-1";

    /// <summary>How old an untouched blob upload gets before it is purged, unless told otherwise.</summary>
    public static readonly TimeSpan DefaultUploadMaxAge = TimeSpan.FromHours(1);

    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Directory holding the JSON state files and registry blobs.</summary>
    public required string StateDirectory { get; init; }

    public string AccountId { get; init; } = DefaultAccountId;
    public string Region { get; init; } = DefaultRegion;
    public string AccessKeyId { get; init; } = DefaultAccessKeyId;

    /// <summary>
    /// The accepted key's secret. Null (the default): the state directory's own, random on first start and kept in
    /// <c>&lt;state&gt;/secret-access-key</c> (owner-only); <see cref="LocalCloudInstance.SecretAccessKey"/> has it once started.
    /// </summary>
    public string? SecretAccessKey { get; init; }

    /// <summary>
    /// How long one of CodeBuild's "minutes" lasts (<c>timeoutInMinutes</c>). One minute, except in tests, which shorten it
    /// to see TIMED_OUT without waiting AWS's minimum of 5 minutes. Not a command-line option.
    /// </summary>
    public TimeSpan CodeBuildMinute { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// CloudFormation waits this long before provisioning (creating, updating, deleting) a resource of the given type, so a
    /// stack operation can be met in progress (local work otherwise finishes in milliseconds). Empty by default.
    /// </summary>
    public IReadOnlyDictionary<string, TimeSpan> ProvisioningDelays { get; init; } = NoProvisioningDelays;

    /// <summary>One shared empty value, so options without delays compare equal.</summary>
    internal static readonly IReadOnlyDictionary<string, TimeSpan> NoProvisioningDelays = new Dictionary<string, TimeSpan>(StringComparer.Ordinal);

    /// <summary>
    /// A blob upload untouched this long is abandoned and deleted (at start-up and periodically), as a registry's upload
    /// purging does. An hour: a live push writes every few seconds. Tests shorten it.
    /// </summary>
    public TimeSpan UploadMaxAge { get; init; } = DefaultUploadMaxAge;

    /// <summary>
    /// Authorize role sessions' calls against their role's policies (<c>Iam/Authorization</c>): API requests signed with
    /// a role's temporary credentials, and what the local cloud's own actors (pipeline actions, rule targets) do as the
    /// role AWS would use. On by default, as in AWS; the configured key is the administrator and is never checked.
    /// </summary>
    public bool EnforceIam { get; init; } = true;

    /// <summary>Sees every API response (tests validate them against botocore's shapes).</summary>
    public Action<ApiExchange>? OnApiResponse { get; init; }
}

/// <summary>One API call as answered: which service and operation, the status and the raw body.</summary>
public sealed record ApiExchange(string Protocol, string Service, string Operation, int StatusCode, string ResponseBody);
