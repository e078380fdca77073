using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Drift;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Oidc;

namespace Deploy.LocalCloud.Sts;

/// <summary>
/// Assuming roles, for the composition root: IAM's OIDC providers (API, CloudFormation provider, drift reader), STS's
/// AssumeRole and AssumeRoleWithWebIdentity engines, and the local GitLab issuer with its routes.
/// </summary>
internal static class FederationRegistration
{
    public static IServiceCollection AddRoleFederation(this IServiceCollection services)
    {
        services.AddSingleton<OpenIdConnectProviders>();
        services.AddSingleton<OpenIdConnectProviderApi>();
        services.AddSingleton<IResourceProvider, OidcProviderResourceProvider>();
        services.AddSingleton<IResourceDriftReader, OidcProviderDriftReader>();
        services.AddSingleton<RoleSessions>();
        services.AddSingleton<RoleAssumption>();
        services.AddSingleton<IdentityProviderKeys>();
        services.AddSingleton<WebIdentityFederation>();
        services.AddSingleton<LocalGitLabIssuer>();
        services.AddSingleton<LocalGitLabIssuerEndpoint>();
        return services;
    }

    /// <summary>The local issuer under <c>/_gitlab</c>: discovery document, JWKS, and the signed minting call.</summary>
    public static IEndpointRouteBuilder MapLocalGitLabIssuer(this IEndpointRouteBuilder app)
    {
        app.MapGet(LocalGitLabIssuer.PathPrefix + LocalGitLabIssuer.DiscoveryPath, (HttpContext context, LocalGitLabIssuerEndpoint issuer) => issuer.DiscoveryAsync(context));
        app.MapGet(LocalGitLabIssuer.PathPrefix + LocalGitLabIssuer.KeysPath, (HttpContext context, LocalGitLabIssuerEndpoint issuer) => issuer.KeysAsync(context));
        app.MapPost(LocalGitLabIssuerEndpoint.MintPath, (HttpContext context, LocalGitLabIssuerEndpoint issuer) => issuer.MintAsync(context));
        return app;
    }
}
