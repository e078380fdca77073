using System.Net;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Chatbot;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.CloudFormation.Drift;
using Deploy.LocalCloud.CloudFormation.Providers;
using Deploy.LocalCloud.CodeBuild;
using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.CodePipeline;
using Deploy.LocalCloud.Docker;
using Deploy.LocalCloud.Ec2;
using Deploy.LocalCloud.Ecr;
using Deploy.LocalCloud.Ecs;
using Deploy.LocalCloud.Elb;
using Deploy.LocalCloud.Events;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Kms;
using Deploy.LocalCloud.Logs;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.Registry;
using Deploy.LocalCloud.S3;
using Deploy.LocalCloud.Sns;
using Deploy.LocalCloud.Sts;

namespace Deploy.LocalCloud.Hosting;

/// <summary>Composition root: Kestrel on loopback, the services, and the three route groups.</summary>
internal static class LocalCloudApplication
{
    /// <summary>The <c>service</c> field of <c>/health</c>; the build's launcher looks for it (LocalCloudLauncher.HealthService).</summary>
    public const string HealthService = "deploy-local-cloud";

    public static WebApplication Create(LocalCloudOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel =>
        {
            // Loopback only: the local cloud accepts one well-known key, it must never face a network.
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = null; // registry layers can be large
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<LocalCloudAddress>();
        var secret = options.SecretAccessKey ?? throw new InvalidOperationException("The secret is resolved before the app is made (LocalCloudInstance.StartAsync).");
        services.AddSingleton(new LocalCredentials(options.AccessKeyId, secret, options.Region, options.AccountId));
        services.AddSingleton<TemporaryCredentialStore>();
        services.AddSingleton<ContainerCredentialsEndpoint>();
        services.AddSingleton<RequestCaller>();
        services.AddSingleton<SigV4Verifier>();
        services.AddSingleton<AuthorizationTrail>();
        services.AddSingleton<CallerAuthorizer>();
        services.AddSingleton<ServiceRoleSessions>();
        services.AddSingleton<RequestAuthorization>();
        services.AddSingleton<JsonProtocolEndpoint>();
        services.AddSingleton<QueryProtocolEndpoint>();
        services.AddSingleton<ApiRouter>();

        services.AddSingleton<EcrStore>();
        services.AddSingleton<EcrAuthorizationTokens>();
        services.AddSingleton<ScanFindingsFixture>();
        services.AddSingleton<EcrImageRecorder>();
        services.AddSingleton<IJsonApiService, EcrService>();

        services.AddSingleton<BlobStore>();
        services.AddHostedService<UploadPurger>();
        services.AddSingleton<RegistryAuthentication>();
        services.AddSingleton<RegistryEndpoint>();

        services.AddSingleton<IQueryApiService, StsService>();

        services.AddSingleton<LogsStore>();
        services.AddSingleton<IJsonApiService, LogsService>();

        // EC2 (default VPC), ELBv2 with loopback front ends, ECS running tasks as Docker containers.
        services.AddSingleton<Ec2Store>();
        services.AddSingleton<Ec2Service>();
        services.AddSingleton<Ec2Endpoint>();
        services.AddSingleton<IStartupFilter, Ec2StartupFilter>();
        services.AddSingleton<ElbStore>();
        services.AddSingleton<ElbTargets>();
        services.AddSingleton<ElbRuntime>();
        services.AddHostedService(provider => provider.GetRequiredService<ElbRuntime>());
        services.AddSingleton<IQueryApiService, ElbService>();
        services.AddSingleton<DockerEngine>();
        services.AddSingleton<EcsStore>();
        services.AddSingleton<EcsScheduler>();
        services.AddSingleton<IContainerCredentialGrants, TaskCredentialGrants>();
        services.AddHostedService(provider => provider.GetRequiredService<EcsScheduler>());
        services.AddSingleton<IJsonApiService, EcsService>();
        services.AddSingleton<IResourceProvider, EcsClusterProvider>();
        services.AddSingleton<IResourceProvider, SecurityGroupProvider>();
        services.AddSingleton<IResourceProvider, SecurityGroupIngressProvider>();
        services.AddSingleton<IResourceProvider, LoadBalancerProvider>();
        services.AddSingleton<IResourceProvider, TargetGroupProvider>();
        services.AddSingleton<IResourceProvider, ListenerProvider>();

        // CloudFormation and the services whose resources it deploys (see CloudFormation/README.md for providers).
        services.AddSingleton<CloudFormationStore>();
        services.AddSingleton<IAuthorizedResources, StackAuthorizedResources>();
        services.AddSingleton<ResourceProviderRegistry>();
        services.AddSingleton<StackPlanner>();
        services.AddSingleton<StackEngine>();
        services.AddSingleton<JsonServiceCalls>();
        services.AddSingleton<StackOperations>();
        services.AddSingleton<IQueryApiService, CloudFormationService>();
        services.AddCloudFormationDrift(); // DetectStackDrift and its readers (CloudFormation/Drift/)
        services.AddSingleton<IamStore>();
        services.AddSingleton<IQueryApiService, IamService>();
        services.AddSingleton<S3Store>();
        services.AddSingleton<S3Endpoint>();
        services.AddCodeCommit(); // API, bare repositories, git endpoint (CodeCommit/CodeCommitRegistration.cs)
        services.AddCodeBuild(); // API, executor, build image, container credentials (CodeBuild/CodeBuildRegistration.cs)
        services.AddCodePipeline(); // API, executions, executor, actions (CodePipeline/CodePipelineRegistration.cs)
        services.AddEvents(); // API, default bus, CodeCommit's events onto it (Events/EventsRegistration.cs)
        services.AddSns(); // API, HTTP/S delivery, EventBridge target, topic resources (Sns/SnsRegistration.cs)
        services.AddSingleton<IResourceProvider, KmsKeyProvider>(); // recorded only
        services.AddSingleton<IResourceProvider, SlackChannelConfigurationProvider>(); // recorded only, nothing goes to Slack
        services.AddRoleFederation(); // STS AssumeRole*, IAM OIDC providers, the local GitLab issuer (Sts/FederationRegistration.cs)
        services.AddSingleton<IResourceProvider, EcrRepositoryProvider>();
        services.AddSingleton<IResourceProvider, LogGroupProvider>();
        services.AddSingleton<IResourceProvider, IamRoleProvider>();
        services.AddSingleton<IResourceProvider, S3BucketProvider>();
        services.AddSingleton<IResourceProvider, CodeCommitRepositoryProvider>();
        services.AddSingleton<IResourceProvider, CodeBuildProjectProvider>();
        services.AddSingleton<IResourceProvider, CodePipelineProvider>();
        services.AddSingleton<IResourceProvider, EventsRuleProvider>();

        var app = builder.Build();
        // Who answers, so a second checkout's build can tell "another checkout's local cloud" from a stranger on the port.
        var stateDirectory = Path.GetFullPath(options.StateDirectory);
        app.MapGet("/health", () => Results.Ok(new { status = "healthy", service = HealthService, stateDirectory }));
        app.Map("/v2", (HttpContext context, RegistryEndpoint registry) => registry.HandleAsync(context));
        app.Map("/v2/{**path}", (HttpContext context, RegistryEndpoint registry) => registry.HandleAsync(context));
        app.MapCodeCommitGit(); // /v1/repos/<name>/... git smart HTTP
        // Role credentials for build containers and ECS tasks (grants: CodeBuild's builds, ECS's tasks).
        app.MapGet(ContainerCredentialsEndpoint.Path, (HttpContext context, ContainerCredentialsEndpoint endpoint) => endpoint.HandleAsync(context));
        app.MapSnsSigningCertificate(); // /SimpleNotificationService-<hash>.pem, where SNS messages' SigningCertURL points
        app.MapLocalGitLabIssuer(); // /_gitlab/... the local OIDC issuer (discovery, JWKS, minting)
        app.MapMethods("/", ["GET", "POST"], (HttpContext context, ApiRouter router) => router.HandleAsync(context));
        // S3 path style: every other path is /<bucket>[/<key>] (bucket names have 3+ characters, so never "v2").
        // (An explicit pattern: the default fallback skips paths that look like files, and object keys often do.)
        app.MapFallback("{**path}", (HttpContext context, S3Endpoint s3) => s3.HandleAsync(context));
        return app;
    }
}
