using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeCommit;

/// <summary>CodeCommit's parts for the composition root: the API, the bare repositories, the git endpoint and its events.</summary>
internal static class CodeCommitRegistration
{
    public static IServiceCollection AddCodeCommit(this IServiceCollection services)
    {
        services.AddSingleton<CodeCommitStore>();
        services.AddSingleton<GitRepositories>();
        services.AddSingleton<GitPasswordVerifier>();
        services.AddSingleton<CodeCommitEvents>();
        services.AddSingleton<GitHttpEndpoint>();
        services.AddSingleton<IJsonApiService, CodeCommitService>();
        return services;
    }

    /// <summary>Git smart HTTP at every repository's <c>cloneUrlHttp</c> (<c>/v1/repos/&lt;name&gt;</c>; never an S3 bucket:
    /// bucket names have at least 3 characters).</summary>
    public static IEndpointRouteBuilder MapCodeCommitGit(this IEndpointRouteBuilder app)
    {
        app.Map("/v1/repos/{**path}", (HttpContext context, GitHttpEndpoint git) => git.HandleAsync(context));
        return app;
    }
}
