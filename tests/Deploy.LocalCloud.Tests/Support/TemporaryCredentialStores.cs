using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>Session stores for unit tests of the verifiers, kept in a test's own state directory.</summary>
internal static class TemporaryCredentialStores
{
    public static TemporaryCredentialStore Empty(string stateDirectory, TimeProvider clock)
    {
        var options = new LocalCloudOptions { StateDirectory = stateDirectory };
        return new TemporaryCredentialStore(options, new IamStore(options, clock), clock);
    }
}
