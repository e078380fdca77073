using System.Net;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Iam;

/// <summary>
/// IAM's OpenID Connect identity providers, kept in <c>iam.json</c> next to the roles whose trust policies name them. One
/// provider per issuer URL; its ARN is <c>arn:aws:iam::&lt;account&gt;:oidc-provider/&lt;url without scheme&gt;</c>, which
/// is also how STS finds the provider of a token's <c>iss</c>.
/// </summary>
internal sealed partial class OpenIdConnectProviders(IamStore store, LocalCloudOptions options, TimeProvider clock)
{
    /// <summary>IAM's limits: 100 client ids (audiences) and 5 thumbprints per provider.</summary>
    public const int MaxClientIds = 100;

    public const int MaxThumbprints = 5;

    public OpenIdConnectProviderRecord Create(string url, IReadOnlyList<string> clientIds, IReadOnlyList<string> thumbprints, IReadOnlyList<IamTag> tags)
    {
        var issuer = NormalizeUrl(url);
        Validate(clientIds, thumbprints);
        var arn = ArnFor(issuer);
        return store.Update(state =>
        {
            if (state.OpenIdConnectProviders.ContainsKey(arn))
            {
                throw new AwsServiceException("EntityAlreadyExists", $"Provider with url {issuer} already exists.", HttpStatusCode.Conflict);
            }

            var provider = new OpenIdConnectProviderRecord
            {
                Arn = arn,
                Url = issuer,
                ClientIds = [.. clientIds.Distinct(StringComparer.Ordinal)],
                Thumbprints = [.. thumbprints.Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal)],
                Tags = [.. tags],
                CreateDate = clock.GetUtcNow(),
            };
            state.OpenIdConnectProviders[arn] = provider;
            return provider;
        });
    }

    public OpenIdConnectProviderRecord Get(string arn) => store.Read(state => Find(state, arn));

    /// <summary>The provider of a token's issuer (<c>iss</c>), or null when the account has none for it.</summary>
    public OpenIdConnectProviderRecord? ForIssuer(string issuer) =>
        store.Read(state => state.OpenIdConnectProviders.GetValueOrDefault(ArnFor(issuer.TrimEnd('/'))));

    public IReadOnlyList<string> ListArns() => store.Read(state => state.OpenIdConnectProviders.Keys.Order(StringComparer.Ordinal).ToList());

    /// <summary>Idempotent, as IAM documents it: deleting a provider that does not exist is no error.</summary>
    public void Delete(string arn) => store.Update(state =>
    {
        ValidateArn(arn);
        return state.OpenIdConnectProviders.Remove(arn);
    });

    /// <summary>Applies <paramref name="change"/> to the provider and saves it; validates its lists afterwards.</summary>
    public OpenIdConnectProviderRecord Change(string arn, Action<OpenIdConnectProviderRecord> change) => store.Update(state =>
    {
        var provider = Find(state, arn);
        change(provider);
        Validate(provider.ClientIds, provider.Thumbprints);
        return provider;
    });

    /// <summary>Thumbprints as IAM checks them: 40 hexadecimal characters (a SHA-1 of the issuer's certificate).</summary>
    public static void Validate(IReadOnlyCollection<string> clientIds, IReadOnlyCollection<string> thumbprints)
    {
        if (clientIds.Count > MaxClientIds)
        {
            throw new AwsServiceException("LimitExceeded", $"Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: {MaxClientIds}.", HttpStatusCode.Conflict);
        }

        if (thumbprints.Count > MaxThumbprints)
        {
            throw new AwsServiceException("LimitExceeded", $"Cannot exceed quota for ThumbprintsPerOpenIdConnectProvider: {MaxThumbprints}.", HttpStatusCode.Conflict);
        }

        if (clientIds.FirstOrDefault(id => id.Length is < 1 or > 255) is { } badId)
        {
            throw new AwsServiceException("InvalidInput", $"Client id '{badId}' must be 1 to 255 characters.");
        }

        if (thumbprints.FirstOrDefault(t => !ThumbprintPattern().IsMatch(t)) is { } badThumbprint)
        {
            throw new AwsServiceException("InvalidInput", $"Thumbprint '{badThumbprint}' must be 40 hexadecimal characters.");
        }
    }

    /// <summary>
    /// IAM takes https:// URLs only. The local cloud also takes http:// on loopback: its own issuer (and a test's) is served
    /// there without TLS. A trailing slash is dropped; a query or fragment is refused.
    /// </summary>
    public static string NormalizeUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || url.Length > 255 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || !(uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback)))
        {
            throw new AwsServiceException("InvalidInput", $"Invalid url {url}: it must begin with https:// (http:// only on loopback, local cloud) and have no query or fragment.");
        }

        return url.TrimEnd('/');
    }

    public string ArnFor(string issuerUrl) => $"arn:aws:iam::{options.AccountId}:oidc-provider/{WithoutScheme(issuerUrl)}";

    /// <summary>The URL as IAM shows it and names condition keys with (<c>gitlab.com</c>, <c>gitlab.com:sub</c>).</summary>
    public static string WithoutScheme(string url) => url[(url.IndexOf("://", StringComparison.Ordinal) + 3)..].TrimEnd('/');

    private static OpenIdConnectProviderRecord Find(IamState state, string arn)
    {
        ValidateArn(arn);
        return state.OpenIdConnectProviders.GetValueOrDefault(arn) ?? throw NotFound(arn);
    }

    private static void ValidateArn(string arn)
    {
        if (!ArnPattern().IsMatch(arn))
        {
            throw new AwsServiceException("InvalidInput", $"ARN {arn} is not valid.");
        }
    }

    private static AwsServiceException NotFound(string arn) =>
        new("NoSuchEntity", $"OpenIDConnect Provider not found for arn {arn}", HttpStatusCode.NotFound);

    [GeneratedRegex(@"^arn:aws[\w-]*:iam::\d{12}:oidc-provider/\S+$")]
    private static partial Regex ArnPattern();

    [GeneratedRegex("^[0-9A-Fa-f]{40}$")]
    private static partial Regex ThumbprintPattern();
}

internal sealed class OpenIdConnectProviderRecord
{
    public required string Arn { get; set; }

    /// <summary>The issuer URL as created, scheme included (STS fetches its discovery document there).</summary>
    public required string Url { get; set; }

    public List<string> ClientIds { get; set; } = [];

    public List<string> Thumbprints { get; set; } = [];

    public List<IamTag> Tags { get; set; } = [];

    public DateTimeOffset CreateDate { get; set; }
}

internal sealed record IamTag(string Key, string Value);
