using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    Target PushEcr => _ => _
        .Description("Pushes the image to ECR, verifies the digest and awaits the scan findings")
        .DependsOn(BuildImage, ProvisionInfra)
        .Executes(() => NotYet(nameof(PushEcr), 6));
}
