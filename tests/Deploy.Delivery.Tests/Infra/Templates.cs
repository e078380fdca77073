using System.Text.Json.Nodes;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>The platform variants the tests render: all defaults; an explicit network with a KMS key, distinct names, a
/// self-managed GitLab and an AWS Chatbot Slack channel for the notifications; and the defaults with GitLab.com federation.</summary>
internal static class Templates
{
    public static PlatformSettings Default { get; } = new();

    public static PlatformSettings ExplicitNetworkWithKms { get; } = new()
    {
        ServiceName = "orders-api",
        TagMutability = ImageTagMutability.Mutable,
        Lifecycle = new ImageLifecycle(KeepTaggedImages: 12, ExpireUntaggedAfterDays: 3),
        Encryption = RepositoryEncryption.Kms("arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ContainerInsights = false,
        LogRetentionDays = 90,
        ServicePort = 5000,
        LoadBalancerIngressCidr = "203.0.113.0/24",
        VpcId = "vpc-0123456789abcdef0",
        SubnetIds = ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
        CodeCommitRepositoryName = "orders-mirror",
        Branch = "release",
        BuildComputeType = "BUILD_GENERAL1_MEDIUM",
        PipelineName = "orders-delivery",
        SlackWorkspaceId = "T0123ABCD",
        SlackChannelId = "C0123ABCDEF",
        GitLab = new GitLabFederation { Url = "https://gitlab.example.com", ProjectPath = "orders/api", MirrorBranches = ["develop", "staging"] },
    };

    /// <summary>All defaults plus GitLab.com federation for one project.</summary>
    public static PlatformSettings WithGitLab { get; } = new() { GitLab = new GitLabFederation { ProjectPath = "acme/platform/sample-service" } };

    public static IReadOnlyList<string> VariantNames { get; } = [nameof(Default), nameof(ExplicitNetworkWithKms), nameof(WithGitLab)];

    public static TheoryData<string> Variants => new(VariantNames);

    public static PlatformSettings Settings(string variant) => variant switch
    {
        nameof(Default) => Default,
        nameof(ExplicitNetworkWithKms) => ExplicitNetworkWithKms,
        nameof(WithGitLab) => WithGitLab,
        _ => throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown variant."),
    };

    /// <summary>The rendered text parsed back, as a consumer of the file would see it.</summary>
    public static JsonObject Parsed(string variant) => JsonNode.Parse(PlatformTemplate.Render(Settings(variant)))!.AsObject();

    public static JsonObject Resource(JsonObject template, string logicalId) => template["Resources"]![logicalId]!.AsObject();

    public static JsonObject Properties(JsonObject template, string logicalId) => Resource(template, logicalId)["Properties"]!.AsObject();
}
