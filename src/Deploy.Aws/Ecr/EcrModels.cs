using System.Text.Json.Serialization;

namespace Deploy.Aws.Ecr;

// Shapes follow botocore's ecr/2015-09-21 model; member names are the model's (camelCase on the wire).

public sealed record EcrTag(
    [property: JsonPropertyName("Key")] string Key,
    [property: JsonPropertyName("Value")] string Value);

public sealed record ImageScanningConfiguration(bool? ScanOnPush);

public sealed record EncryptionConfiguration(string EncryptionType, string? KmsKey = null);

public sealed record ImageTagMutabilityExclusionFilter(string FilterType, string Filter);

public sealed record ImageIdentifier(string? ImageDigest = null, string? ImageTag = null)
{
    public static ImageIdentifier ForTag(string tag) => new(ImageTag: tag);

    public static ImageIdentifier ForDigest(string digest) => new(ImageDigest: digest);

    public override string ToString() => ImageTag ?? ImageDigest ?? "?";
}

public sealed record Repository
{
    public string? RepositoryArn { get; init; }

    public string? RegistryId { get; init; }

    public string? RepositoryName { get; init; }

    public string? RepositoryUri { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    public string? ImageTagMutability { get; init; }

    public IReadOnlyList<ImageTagMutabilityExclusionFilter>? ImageTagMutabilityExclusionFilters { get; init; }

    public ImageScanningConfiguration? ImageScanningConfiguration { get; init; }

    public EncryptionConfiguration? EncryptionConfiguration { get; init; }
}

public sealed record CreateRepositoryRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public IReadOnlyList<EcrTag>? Tags { get; init; }

    /// <summary><c>MUTABLE</c> or <c>IMMUTABLE</c> (or the *_WITH_EXCLUSION variants).</summary>
    public string? ImageTagMutability { get; init; }

    public IReadOnlyList<ImageTagMutabilityExclusionFilter>? ImageTagMutabilityExclusionFilters { get; init; }

    public ImageScanningConfiguration? ImageScanningConfiguration { get; init; }

    public EncryptionConfiguration? EncryptionConfiguration { get; init; }
}

public sealed record CreateRepositoryResponse(Repository? Repository);

public sealed record DescribeRepositoriesRequest
{
    public string? RegistryId { get; init; }

    public IReadOnlyList<string>? RepositoryNames { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

public sealed record DescribeRepositoriesResponse(IReadOnlyList<Repository>? Repositories, string? NextToken);

public sealed record DeleteRepositoryRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    /// <summary>Delete even when images remain.</summary>
    public bool? Force { get; init; }
}

public sealed record DeleteRepositoryResponse(Repository? Repository);

public sealed record GetAuthorizationTokenRequest(IReadOnlyList<string>? RegistryIds = null);

public sealed record AuthorizationData(string? AuthorizationToken, DateTimeOffset? ExpiresAt, string? ProxyEndpoint)
{
    // The token is a password; keep it out of logs that print records.
    public override string ToString() => $"AuthorizationData {{ ProxyEndpoint = {ProxyEndpoint}, ExpiresAt = {ExpiresAt:O}, AuthorizationToken = *** }}";
}

public sealed record GetAuthorizationTokenResponse(IReadOnlyList<AuthorizationData>? AuthorizationData);

/// <summary>Docker login for one registry, decoded from <c>GetAuthorizationToken</c>.</summary>
/// <param name="User">Always <c>AWS</c> for ECR.</param>
/// <param name="Password">The registry password (a secret).</param>
/// <param name="Endpoint">The registry URL, e.g. <c>https://123456789012.dkr.ecr.eu-west-1.amazonaws.com</c>.</param>
/// <param name="ExpiresAt">When the password stops working (12 h after issue).</param>
public sealed record EcrAuth(string User, string Password, Uri Endpoint, DateTimeOffset? ExpiresAt)
{
    /// <summary>The registry host (what <c>docker login</c> and image URIs use).</summary>
    public string Registry => Endpoint.IsDefaultPort ? Endpoint.Host : $"{Endpoint.Host}:{Endpoint.Port}";

    public override string ToString() => $"EcrAuth {{ User = {User}, Password = ***, Endpoint = {Endpoint}, ExpiresAt = {ExpiresAt:O} }}";
}

public sealed record DescribeImagesFilter(string? TagStatus = null, string? ImageStatus = null);

public sealed record DescribeImagesRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public IReadOnlyList<ImageIdentifier>? ImageIds { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }

    public DescribeImagesFilter? Filter { get; init; }
}

public sealed record ListImagesRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }

    public ListImagesFilter? Filter { get; init; }
}

/// <summary><c>tagStatus</c>: <c>TAGGED</c>, <c>UNTAGGED</c> or <c>ANY</c>; <c>imageStatus</c>: <c>ACTIVE</c> (default), <c>ARCHIVED</c>, <c>ACTIVATING</c>.</summary>
public sealed record ListImagesFilter(string? TagStatus = null, string? ImageStatus = null);

public sealed record ListImagesResponse(IReadOnlyList<ImageIdentifier>? ImageIds, string? NextToken);

public sealed record ImageScanStatus(string? Status, string? Description);

public sealed record ImageScanFindingsSummary
{
    public DateTimeOffset? ImageScanCompletedAt { get; init; }

    public DateTimeOffset? VulnerabilitySourceUpdatedAt { get; init; }

    /// <summary>Counts per severity (INFORMATIONAL, LOW, MEDIUM, HIGH, CRITICAL, UNDEFINED).</summary>
    public IReadOnlyDictionary<string, int>? FindingSeverityCounts { get; init; }
}

public sealed record ImageDetail
{
    public string? RegistryId { get; init; }

    public string? RepositoryName { get; init; }

    public string? ImageDigest { get; init; }

    public IReadOnlyList<string>? ImageTags { get; init; }

    public long? ImageSizeInBytes { get; init; }

    public DateTimeOffset? ImagePushedAt { get; init; }

    public ImageScanStatus? ImageScanStatus { get; init; }

    public ImageScanFindingsSummary? ImageScanFindingsSummary { get; init; }

    public string? ImageManifestMediaType { get; init; }

    public string? ArtifactMediaType { get; init; }

    public DateTimeOffset? LastRecordedPullTime { get; init; }

    public string? ImageStatus { get; init; }
}

public sealed record DescribeImagesResponse(IReadOnlyList<ImageDetail>? ImageDetails, string? NextToken);

public sealed record BatchGetImageRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public required IReadOnlyList<ImageIdentifier> ImageIds { get; init; }

    public IReadOnlyList<string>? AcceptedMediaTypes { get; init; }
}

public sealed record Image
{
    public string? RegistryId { get; init; }

    public string? RepositoryName { get; init; }

    public ImageIdentifier? ImageId { get; init; }

    public string? ImageManifest { get; init; }

    public string? ImageManifestMediaType { get; init; }
}

public sealed record ImageFailure(ImageIdentifier? ImageId, string? FailureCode, string? FailureReason);

public sealed record BatchGetImageResponse(IReadOnlyList<Image>? Images, IReadOnlyList<ImageFailure>? Failures);

public sealed record BatchDeleteImageRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public required IReadOnlyList<ImageIdentifier> ImageIds { get; init; }
}

public sealed record BatchDeleteImageResponse(IReadOnlyList<ImageIdentifier>? ImageIds, IReadOnlyList<ImageFailure>? Failures);

public sealed record PutLifecyclePolicyRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    /// <summary>The lifecycle policy document (JSON text).</summary>
    public required string LifecyclePolicyText { get; init; }
}

public sealed record PutLifecyclePolicyResponse(string? RegistryId, string? RepositoryName, string? LifecyclePolicyText);

public sealed record GetLifecyclePolicyRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }
}

public sealed record GetLifecyclePolicyResponse(string? RegistryId, string? RepositoryName, string? LifecyclePolicyText, DateTimeOffset? LastEvaluatedAt);

public sealed record PutImageScanningConfigurationRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public required ImageScanningConfiguration ImageScanningConfiguration { get; init; }
}

public sealed record PutImageScanningConfigurationResponse(string? RegistryId, string? RepositoryName, ImageScanningConfiguration? ImageScanningConfiguration);

public sealed record PutImageTagMutabilityRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public required string ImageTagMutability { get; init; }

    public IReadOnlyList<ImageTagMutabilityExclusionFilter>? ImageTagMutabilityExclusionFilters { get; init; }
}

public sealed record PutImageTagMutabilityResponse(
    string? RegistryId,
    string? RepositoryName,
    string? ImageTagMutability,
    IReadOnlyList<ImageTagMutabilityExclusionFilter>? ImageTagMutabilityExclusionFilters);

public sealed record DescribeImageScanFindingsRequest
{
    public string? RegistryId { get; init; }

    public required string RepositoryName { get; init; }

    public required ImageIdentifier ImageId { get; init; }

    public string? NextToken { get; init; }

    public int? MaxResults { get; init; }
}

public sealed record ScanFindingProperty(string Key, string? Value);

public sealed record ImageScanFinding(string? Name, string? Description, string? Uri, string? Severity, IReadOnlyList<ScanFindingProperty>? Attributes);

public sealed record EnhancedImageScanFinding
{
    public string? FindingArn { get; init; }

    public string? Title { get; init; }

    public string? Description { get; init; }

    public string? Severity { get; init; }

    public string? Status { get; init; }

    public string? Type { get; init; }

    public double? Score { get; init; }

    public string? FixAvailable { get; init; }
}

public sealed record ImageScanFindings
{
    public DateTimeOffset? ImageScanCompletedAt { get; init; }

    public DateTimeOffset? VulnerabilitySourceUpdatedAt { get; init; }

    public IReadOnlyDictionary<string, int>? FindingSeverityCounts { get; init; }

    public IReadOnlyList<ImageScanFinding>? Findings { get; init; }

    public IReadOnlyList<EnhancedImageScanFinding>? EnhancedFindings { get; init; }
}

public sealed record DescribeImageScanFindingsResponse
{
    public string? RegistryId { get; init; }

    public string? RepositoryName { get; init; }

    public ImageIdentifier? ImageId { get; init; }

    public ImageScanStatus? ImageScanStatus { get; init; }

    public ImageScanFindings? ImageScanFindings { get; init; }

    public string? NextToken { get; init; }
}
