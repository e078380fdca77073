using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Iam;

/// <summary>
/// IAM (query, 2010-05-08): roles, inline and attached role policies (stored; only trust policies are evaluated, when STS
/// assumes a role), and OpenID Connect providers (<see cref="OpenIdConnectProviderApi"/>).
/// </summary>
internal sealed class IamService(IamStore store, OpenIdConnectProviderApi openIdConnect) : IQueryApiService
{
    private static readonly XNamespace Ns = "https://iam.amazonaws.com/doc/2010-05-08/";

    private static readonly HashSet<string> Actions = new(StringComparer.Ordinal)
    {
        "CreateRole", "GetRole", "DeleteRole", "UpdateRole", "UpdateAssumeRolePolicy", "PutRolePolicy", "GetRolePolicy", "DeleteRolePolicy",
        "ListRolePolicies", "AttachRolePolicy", "DetachRolePolicy", "ListAttachedRolePolicies",
    };

    public string SigningName => "iam";

    public XNamespace XmlNamespace => Ns;

    public bool Supports(string action) => Actions.Contains(action) || OpenIdConnectProviderApi.Actions.Contains(action);

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters)
    {
        if (OpenIdConnectProviderApi.Actions.Contains(action))
        {
            return openIdConnect.Handle(action, parameters, Ns);
        }

        switch (action)
        {
            case "CreateRole":
                var created = store.CreateRole(parameters.Required("RoleName"), parameters.Optional("Path") ?? "/",
                    parameters.Required("AssumeRolePolicyDocument"), parameters.Optional("Description"),
                    parameters.Optional("MaxSessionDuration") is { } max ? int.Parse(max, CultureInfo.InvariantCulture) : null);
                return [RoleElement(created)];
            case "GetRole":
                return [store.Read(state => RoleElement(IamStore.Role(state, parameters.Required("RoleName"))))];
            case "UpdateRole":
                Change(parameters, role =>
                {
                    role.Description = parameters.Optional("Description") ?? role.Description;
                    role.MaxSessionDuration = parameters.Optional("MaxSessionDuration") is { } duration ? int.Parse(duration, CultureInfo.InvariantCulture) : role.MaxSessionDuration;
                });
                return [];
            case "UpdateAssumeRolePolicy":
                Change(parameters, role => role.AssumeRolePolicyDocument = parameters.Required("PolicyDocument"));
                return [];
            case "DeleteRole":
                store.Update(state =>
                {
                    var role = IamStore.Role(state, parameters.Required("RoleName"));
                    if (role.InlinePolicies.Count > 0 || role.AttachedPolicyArns.Count > 0)
                    {
                        throw new AwsServiceException("DeleteConflict", "Cannot delete entity, must delete policies first.", HttpStatusCode.Conflict);
                    }

                    return state.Roles.Remove(role.RoleName);
                });
                return [];
            case "PutRolePolicy":
                Change(parameters, role => role.InlinePolicies[parameters.Required("PolicyName")] = parameters.Required("PolicyDocument"));
                return [];
            case "GetRolePolicy":
                return store.Read(state =>
                {
                    var role = IamStore.Role(state, parameters.Required("RoleName"));
                    var name = parameters.Required("PolicyName");
                    var document = role.InlinePolicies.GetValueOrDefault(name)
                                   ?? throw new AwsServiceException("NoSuchEntity", $"The role policy with name {name} cannot be found.", HttpStatusCode.NotFound);
                    return new[]
                    {
                        new XElement(Ns + "RoleName", role.RoleName),
                        new XElement(Ns + "PolicyName", name),
                        new XElement(Ns + "PolicyDocument", Uri.EscapeDataString(document)),
                    };
                });
            case "DeleteRolePolicy":
                Change(parameters, role =>
                {
                    var name = parameters.Required("PolicyName");
                    if (!role.InlinePolicies.Remove(name))
                    {
                        throw new AwsServiceException("NoSuchEntity", $"The role policy with name {name} cannot be found.", HttpStatusCode.NotFound);
                    }
                });
                return [];
            case "ListRolePolicies":
                return store.Read(state => new[]
                {
                    new XElement(Ns + "PolicyNames", IamStore.Role(state, parameters.Required("RoleName")).InlinePolicies.Keys.Select(k => new XElement(Ns + "member", k))),
                    new XElement(Ns + "IsTruncated", "false"),
                });
            case "AttachRolePolicy":
                Change(parameters, role =>
                {
                    var arn = parameters.Required("PolicyArn");
                    if (!role.AttachedPolicyArns.Contains(arn))
                    {
                        role.AttachedPolicyArns.Add(arn);
                    }
                });
                return [];
            case "DetachRolePolicy":
                Change(parameters, role =>
                {
                    var arn = parameters.Required("PolicyArn");
                    if (!role.AttachedPolicyArns.Remove(arn))
                    {
                        throw new AwsServiceException("NoSuchEntity", $"Policy {arn} was not found.", HttpStatusCode.NotFound);
                    }
                });
                return [];
            case "ListAttachedRolePolicies":
                return store.Read(state => new[]
                {
                    new XElement(Ns + "AttachedPolicies", IamStore.Role(state, parameters.Required("RoleName")).AttachedPolicyArns.Select(arn => new XElement(Ns + "member",
                        new XElement(Ns + "PolicyName", arn[(arn.LastIndexOf('/') + 1)..]),
                        new XElement(Ns + "PolicyArn", arn)))),
                    new XElement(Ns + "IsTruncated", "false"),
                });
            default:
                throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}");
        }
    }

    private void Change(QueryParameters parameters, Action<RoleRecord> change) =>
        store.Update(state =>
        {
            change(IamStore.Role(state, parameters.Required("RoleName")));
            return true;
        });

    private static XElement RoleElement(RoleRecord role) => new(Ns + "Role",
        new XElement(Ns + "Path", role.Path),
        new XElement(Ns + "RoleName", role.RoleName),
        new XElement(Ns + "RoleId", role.RoleId),
        new XElement(Ns + "Arn", role.Arn),
        new XElement(Ns + "CreateDate", role.CreateDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
        new XElement(Ns + "AssumeRolePolicyDocument", Uri.EscapeDataString(role.AssumeRolePolicyDocument)),
        role.Description is null ? null : new XElement(Ns + "Description", role.Description),
        new XElement(Ns + "MaxSessionDuration", role.MaxSessionDuration));
}
