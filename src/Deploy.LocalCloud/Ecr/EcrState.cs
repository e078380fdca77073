namespace Deploy.LocalCloud.Ecr;

/// <summary>Persisted ECR state. Manifest and layer bytes live in the registry's blob store, keyed by digest.</summary>
internal sealed class EcrState
{
    public Dictionary<string, RepositoryRecord> Repositories { get; set; } = new(StringComparer.Ordinal);
}

internal sealed class RepositoryRecord
{
    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string ImageTagMutability { get; set; } = "MUTABLE";

    public bool ScanOnPush { get; set; }

    public string EncryptionType { get; set; } = "AES256";

    public string? KmsKey { get; set; }

    public string? LifecyclePolicyText { get; set; }

    public DateTimeOffset? LifecyclePolicyEvaluatedAt { get; set; }

    public List<ImageRecord> Images { get; set; } = [];

    public bool IsImmutable => ImageTagMutability == "IMMUTABLE";
}

internal sealed class ImageRecord
{
    public required string Digest { get; set; }

    public List<string> Tags { get; set; } = [];

    public required string ManifestMediaType { get; set; }

    public string? ArtifactMediaType { get; set; }

    public long SizeInBytes { get; set; }

    public DateTimeOffset PushedAt { get; set; }

    /// <summary>Whether a (fixture-based) scan exists: set when pushed to a scan-on-push repository or by StartImageScan.</summary>
    public DateTimeOffset? ScannedAt { get; set; }

    public DateTimeOffset? LastPulledAt { get; set; }

    /// <summary>For an index/manifest list: the manifests it references (they cannot be deleted while referenced).</summary>
    public List<string> ChildDigests { get; set; } = [];
}
