using System.Text.Json.Serialization;

namespace Deploy.Aws.CodeCommit;

// Shapes follow botocore's codecommit/2015-04-13 model.

public sealed record CreateRepositoryRequest
{
    public required string RepositoryName { get; init; }

    public string? RepositoryDescription { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public string? KmsKeyId { get; init; }
}

public sealed record RepositoryMetadata
{
    public string? AccountId { get; init; }

    public string? RepositoryId { get; init; }

    public string? RepositoryName { get; init; }

    public string? RepositoryDescription { get; init; }

    public string? DefaultBranch { get; init; }

    public DateTimeOffset? LastModifiedDate { get; init; }

    public DateTimeOffset? CreationDate { get; init; }

    /// <summary>E.g. <c>https://git-codecommit.eu-west-1.amazonaws.com/v1/repos/app</c>.</summary>
    public string? CloneUrlHttp { get; init; }

    public string? CloneUrlSsh { get; init; }

    [JsonPropertyName("Arn")]
    public string? Arn { get; init; }

    public string? KmsKeyId { get; init; }
}

public sealed record CreateRepositoryResponse(RepositoryMetadata? RepositoryMetadata);

public sealed record GetRepositoryRequest(string RepositoryName);

public sealed record GetRepositoryResponse(RepositoryMetadata? RepositoryMetadata);

public sealed record DeleteRepositoryRequest(string RepositoryName);

/// <param name="RepositoryId">The deleted repository's id; null when there was nothing to delete.</param>
public sealed record DeleteRepositoryResponse(string? RepositoryId);

public sealed record GetBranchRequest(string RepositoryName, string BranchName);

public sealed record BranchInfo(string? BranchName, string? CommitId);

public sealed record GetBranchResponse(BranchInfo? Branch);

public sealed record ListBranchesRequest
{
    public required string RepositoryName { get; init; }

    public string? NextToken { get; init; }
}

public sealed record ListBranchesResponse(IReadOnlyList<string>? Branches, string? NextToken);
