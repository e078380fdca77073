using System.Text;

namespace Deploy.Aws.Ecr;

/// <summary>Amazon ECR control plane (<c>api.ecr</c>), JSON 1.1.</summary>
public sealed class EcrClient(AwsSession session)
{
    private readonly JsonCalls calls = new(session, AwsService.Ecr);

    public Task<CreateRepositoryResponse> CreateRepositoryAsync(CreateRepositoryRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<CreateRepositoryRequest, CreateRepositoryResponse>("CreateRepository", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<DescribeRepositoriesResponse> DescribeRepositoriesAsync(DescribeRepositoriesRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeRepositoriesRequest, DescribeRepositoriesResponse>(
            "DescribeRepositories", request, Repos(request?.RepositoryNames), cancellationToken);

    /// <summary>All repositories matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<Repository> DescribeAllRepositoriesAsync(DescribeRepositoriesRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => DescribeRepositoriesAsync(request with { NextToken = token }, ct),
            page => page.Repositories,
            page => page.NextToken,
            cancellationToken);

    public Task<DeleteRepositoryResponse> DeleteRepositoryAsync(DeleteRepositoryRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DeleteRepositoryRequest, DeleteRepositoryResponse>("DeleteRepository", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<GetAuthorizationTokenResponse> GetAuthorizationTokenAsync(GetAuthorizationTokenRequest? request = null, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetAuthorizationTokenRequest, GetAuthorizationTokenResponse>(
            "GetAuthorizationToken", request ?? new GetAuthorizationTokenRequest(), null, cancellationToken);

    /// <summary>Docker credentials for the account's default registry (or <paramref name="registryId"/>).</summary>
    public async Task<EcrAuth> GetAuthAsync(string? registryId = null, CancellationToken cancellationToken = default)
    {
        var response = await GetAuthorizationTokenAsync(
            new GetAuthorizationTokenRequest(registryId is null ? null : [registryId]), cancellationToken).ConfigureAwait(false);
        var data = (response.AuthorizationData is { Count: > 0 } all ? all[0] : null)
            ?? throw new InvalidDataException("ECR GetAuthorizationToken returned no authorization data.");
        return ToAuth(data);
    }

    /// <summary>Decodes <c>base64("AWS:password")</c> into user and password.</summary>
    public static EcrAuth ToAuth(AuthorizationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.AuthorizationToken is null || data.ProxyEndpoint is null)
        {
            throw new InvalidDataException("ECR authorization data lacks a token or a proxy endpoint.");
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(data.AuthorizationToken));
        }
        catch (FormatException ex)
        {
            throw new InvalidDataException("ECR returned an authorization token that is not base64.", ex);
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw new InvalidDataException("ECR returned an authorization token that is not 'user:password'.");
        }

        var endpoint = data.ProxyEndpoint.Contains("://", StringComparison.Ordinal) ? data.ProxyEndpoint : "https://" + data.ProxyEndpoint;
        return new EcrAuth(decoded[..colon], decoded[(colon + 1)..], new Uri(endpoint), data.ExpiresAt);
    }

    public Task<DescribeImagesResponse> DescribeImagesAsync(DescribeImagesRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeImagesRequest, DescribeImagesResponse>("DescribeImages", request, Images(request?.RepositoryName, request?.ImageIds), cancellationToken);

    /// <summary>All images matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<ImageDetail> DescribeAllImagesAsync(DescribeImagesRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => DescribeImagesAsync(request with { NextToken = token }, ct),
            page => page.ImageDetails,
            page => page.NextToken,
            cancellationToken);

    /// <summary>One page of image ids (one per tag; an untagged image by its digest alone).</summary>
    public Task<ListImagesResponse> ListImagesAsync(ListImagesRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<ListImagesRequest, ListImagesResponse>("ListImages", request, Repo(request?.RepositoryName), cancellationToken);

    /// <summary>Every image id of a repository matching <paramref name="request"/>, across pages.</summary>
    public IAsyncEnumerable<ImageIdentifier> ListAllImagesAsync(ListImagesRequest request, CancellationToken cancellationToken = default) =>
        AwsPagination.PaginateAsync(
            (token, ct) => ListImagesAsync(request with { NextToken = token }, ct),
            page => page.ImageIds,
            page => page.NextToken,
            cancellationToken);

    public Task<BatchGetImageResponse> BatchGetImageAsync(BatchGetImageRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<BatchGetImageRequest, BatchGetImageResponse>("BatchGetImage", request, Images(request?.RepositoryName, request?.ImageIds), cancellationToken);

    public Task<BatchDeleteImageResponse> BatchDeleteImageAsync(BatchDeleteImageRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<BatchDeleteImageRequest, BatchDeleteImageResponse>("BatchDeleteImage", request, Images(request?.RepositoryName, request?.ImageIds), cancellationToken);

    public Task<PutLifecyclePolicyResponse> PutLifecyclePolicyAsync(PutLifecyclePolicyRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<PutLifecyclePolicyRequest, PutLifecyclePolicyResponse>("PutLifecyclePolicy", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<GetLifecyclePolicyResponse> GetLifecyclePolicyAsync(GetLifecyclePolicyRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<GetLifecyclePolicyRequest, GetLifecyclePolicyResponse>("GetLifecyclePolicy", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<PutImageScanningConfigurationResponse> PutImageScanningConfigurationAsync(
        PutImageScanningConfigurationRequest request,
        CancellationToken cancellationToken = default) =>
        calls.CallAsync<PutImageScanningConfigurationRequest, PutImageScanningConfigurationResponse>(
            "PutImageScanningConfiguration", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<PutImageTagMutabilityResponse> PutImageTagMutabilityAsync(PutImageTagMutabilityRequest request, CancellationToken cancellationToken = default) =>
        calls.CallAsync<PutImageTagMutabilityRequest, PutImageTagMutabilityResponse>("PutImageTagMutability", request, Repo(request?.RepositoryName), cancellationToken);

    public Task<DescribeImageScanFindingsResponse> DescribeImageScanFindingsAsync(
        DescribeImageScanFindingsRequest request,
        CancellationToken cancellationToken = default) =>
        calls.CallAsync<DescribeImageScanFindingsRequest, DescribeImageScanFindingsResponse>(
            "DescribeImageScanFindings", request, Images(request?.RepositoryName, request?.ImageId is null ? null : [request.ImageId]), cancellationToken);

    private static string? Repo(string? name) => name is null ? null : $"repository '{name}'";

    private static string? Repos(IReadOnlyList<string>? names) =>
        names is { Count: > 0 } ? (names.Count == 1 ? Repo(names[0]) : $"repositories '{string.Join("', '", names)}'") : null;

    private static string? Images(string? repository, IReadOnlyList<ImageIdentifier>? images) =>
        repository is null ? null
        : images is { Count: > 0 } ? $"image '{string.Join("', '", images)}' in repository '{repository}'"
        : Repo(repository);
}
