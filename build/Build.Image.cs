using Deploy.Engine;

namespace Deploy.Build;

internal sealed partial class Build
{
    Target BuildImage => _ => _
        .Description("Builds the service image through the Docker Engine API, tagged with the commit and branch")
        .Executes(() => NotYet(nameof(BuildImage), 6));
}
