using System.Xml.Linq;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sts;

/// <summary>
/// STS (query, 2011-06-15): GetCallerIdentity (the key that signed: root or a session), AssumeRole
/// (<see cref="RoleAssumption"/>) and AssumeRoleWithWebIdentity (<see cref="WebIdentityFederation"/>; unsigned, as in AWS).
/// </summary>
internal sealed class StsService(
    LocalCloudOptions options, RequestCaller caller, RoleSessions roles, RoleAssumption assumption, WebIdentityFederation federation) : IQueryApiService
{
    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal) { "GetCallerIdentity", "AssumeRole", "AssumeRoleWithWebIdentity" };

    public string SigningName => "sts";

    public XNamespace XmlNamespace => "https://sts.amazonaws.com/doc/2011-06-15/";

    public bool Supports(string action) => Actions.Contains(action);

    public bool AllowsUnsigned(string action) => action == "AssumeRoleWithWebIdentity";

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) =>
        HandleAsync(action, parameters, CancellationToken.None).GetAwaiter().GetResult();

    public async Task<IEnumerable<XElement>> HandleAsync(string action, QueryParameters parameters, CancellationToken cancellationToken)
    {
        var ns = XmlNamespace;
        switch (action)
        {
            case "GetCallerIdentity":
                return
                [
                    new XElement(ns + "Arn", caller.Current.Arn),
                    new XElement(ns + "UserId", caller.Current.UserId),
                    new XElement(ns + "Account", options.AccountId),
                ];
            case "AssumeRole":
                var assumed = assumption.Assume(caller.Current, parameters.Required("RoleArn"), parameters.Required("RoleSessionName"),
                    parameters.Optional("DurationSeconds"), parameters.Optional("ExternalId"));
                return roles.Elements(ns, assumed);
            case "AssumeRoleWithWebIdentity":
                var session = await federation.AssumeAsync(parameters.Required("RoleArn"), parameters.Required("RoleSessionName"),
                    parameters.Required("WebIdentityToken"), parameters.Optional("DurationSeconds"), cancellationToken);
                return
                [
                    .. roles.Elements(ns, session.Credentials),
                    new XElement(ns + "SubjectFromWebIdentityToken", session.Subject),
                    new XElement(ns + "Provider", session.Issuer),
                    new XElement(ns + "Audience", session.Audience),
                ];
            default:
                throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}");
        }
    }
}
