using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    Target ProvisionInfra => _ => _
        .Description("Renders the platform as a CloudFormation template, plans a change set, applies it, streams events")
        .Executes(() => NotYet(nameof(ProvisionInfra), 5));
}
