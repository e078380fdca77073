using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    Target DeployFargate => _ => _
        .Description("Registers a task definition revision, rolls the Fargate service, waits and detects rollbacks")
        .DependsOn(PushEcr, ProvisionInfra)
        .Executes(() => NotYet(nameof(DeployFargate), 6));
}
