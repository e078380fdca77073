using Deploy.Delivery.Images;
using Deploy.Delivery.LocalCloud;

namespace Deploy.Delivery.Registry;

/// <summary>What <see cref="EcrPusher.PushAsync"/> pushes where, and how strictly it checks the result.</summary>
public sealed record EcrPushOptions
{
    /// <summary>How long the scan-on-push findings are awaited by default.</summary>
    public static readonly TimeSpan DefaultScanTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The local image BuildImage produced (<c>artifacts/image.json</c>): its id, commit and local tags.</summary>
    public required BuiltImage Image { get; init; }

    /// <summary>The ECR repository URI, e.g. <c>123456789012.dkr.ecr.eu-west-1.amazonaws.com/app</c> (ProvisionInfra's output).</summary>
    public required string RepositoryUri { get; init; }

    /// <summary>The container name written to <c>imagedefinitions.json</c> (the service name).</summary>
    public required string ContainerName { get; init; }

    /// <summary>Where <c>imagedefinitions.json</c> and <c>image-pushed.json</c> are written; null writes nothing.</summary>
    public string? ArtifactsDirectory { get; init; }

    /// <summary>Findings at or above this severity fail the push (after the image is in the repository).</summary>
    public SeverityThreshold FailOnSeverity { get; init; } = SeverityThreshold.Critical;

    /// <summary>How long to wait for the scan-on-push findings; a scan still running then fails a gated push.</summary>
    public TimeSpan ScanTimeout { get; init; } = DefaultScanTimeout;

    /// <summary>One summary line for the upload instead of a line per layer state change (CI logs).</summary>
    public bool SummaryOnly { get; init; }

    /// <summary>Watched during <c>docker push</c>: when it stops answering, the push stops with its one line (the local cloud).</summary>
    public EndpointWatch? RegistryWatch { get; init; }

    /// <summary>The repository's name in its registry: the URI's path (<c>app</c>, <c>team/app</c>).</summary>
    public string RepositoryName => RepositoryUri[(RepositoryUri.IndexOf('/', StringComparison.Ordinal) + 1)..];

    /// <summary>The account of an ECR registry host (<c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.…</c>); null for other hosts (the local cloud).</summary>
    public string? RegistryId
    {
        get
        {
            var slash = RepositoryUri.IndexOf('/', StringComparison.Ordinal);
            var host = slash < 0 ? "" : RepositoryUri[..slash];
            var dot = host.IndexOf(".dkr.ecr.", StringComparison.Ordinal);
            return dot == 12 && host[..dot].All(char.IsAsciiDigit) ? host[..dot] : null;
        }
    }
}

/// <summary>Whether the image was uploaded.</summary>
public enum PushOutcome
{
    /// <summary>At least one tag was pushed.</summary>
    Pushed,

    /// <summary>The repository already held this digest under every tag; nothing was uploaded.</summary>
    AlreadyPresent,

    /// <summary>The immutable commit tag already held another build of the same clean commit, which is used; nothing was uploaded.</summary>
    CommitAlreadyBuilt,
}

/// <summary>The image as the repository holds it, verified with DescribeImages.</summary>
/// <param name="Outcome">Pushed, already present, or the commit already built by another run.</param>
/// <param name="RepositoryUri">The repository URI.</param>
/// <param name="Digest">The manifest digest (<c>sha256:…</c>).</param>
/// <param name="Tags">The tags the repository holds it under (the commit first).</param>
/// <param name="Scan">The scan-on-push result; null when no scan was available.</param>
public sealed record EcrPushResult(PushOutcome Outcome, string RepositoryUri, string Digest, IReadOnlyList<string> Tags, ScanReport? Scan)
{
    /// <summary><c>&lt;repositoryUri&gt;@sha256:…</c>.</summary>
    public string ImageUri => $"{RepositoryUri}@{Digest}";

    /// <summary>One line for the build summary: <c>pushed sha256:0123456789ab… as :commit</c>, <c>already present …</c>.</summary>
    public string Summary =>
        $"{Outcome switch { PushOutcome.Pushed => "pushed", PushOutcome.CommitAlreadyBuilt => "commit already built", _ => "already present" }} {Abbreviate(Digest)} as {string.Join(" ", Tags.Select(t => ":" + t))}"
        + (Scan is { } scan ? $"; scan {scan.Summary}" : "");

    /// <summary><c>sha256:</c> and the first 12 hex digits, then an ellipsis.</summary>
    public static string Abbreviate(string digest) => digest.Length > 19 ? digest[..19] + "…" : digest;
}
