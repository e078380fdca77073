using System.Globalization;
using System.Net;
using System.Xml.Linq;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Iam;

/// <summary>
/// IAM's OpenID Connect provider actions (query API, answered through <see cref="IamService"/>): create, get, list,
/// delete, client ids, thumbprints and tags.
/// </summary>
internal sealed class OpenIdConnectProviderApi(OpenIdConnectProviders providers)
{
    public static readonly IReadOnlySet<string> Actions = new HashSet<string>(StringComparer.Ordinal)
    {
        "CreateOpenIDConnectProvider", "GetOpenIDConnectProvider", "ListOpenIDConnectProviders", "DeleteOpenIDConnectProvider",
        "AddClientIDToOpenIDConnectProvider", "RemoveClientIDFromOpenIDConnectProvider", "UpdateOpenIDConnectProviderThumbprint",
        "ListOpenIDConnectProviderTags", "TagOpenIDConnectProvider", "UntagOpenIDConnectProvider",
    };

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters, XNamespace ns)
    {
        string Arn() => parameters.Required("OpenIDConnectProviderArn");
        switch (action)
        {
            case "CreateOpenIDConnectProvider":
                var created = providers.Create(parameters.Required("Url"), parameters.List("ClientIDList"), parameters.List("ThumbprintList"), Tags(parameters));
                return created.Tags.Count == 0
                    ? [new XElement(ns + "OpenIDConnectProviderArn", created.Arn)]
                    : [new XElement(ns + "OpenIDConnectProviderArn", created.Arn), TagList(ns, created.Tags)];
            case "GetOpenIDConnectProvider":
                var provider = providers.Get(Arn());
                return
                [
                    new XElement(ns + "Url", OpenIdConnectProviders.WithoutScheme(provider.Url)),
                    new XElement(ns + "ClientIDList", provider.ClientIds.Select(id => new XElement(ns + "member", id))),
                    new XElement(ns + "ThumbprintList", provider.Thumbprints.Select(t => new XElement(ns + "member", t))),
                    new XElement(ns + "CreateDate", provider.CreateDate.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)),
                    TagList(ns, provider.Tags),
                ];
            case "ListOpenIDConnectProviders":
                return [new XElement(ns + "OpenIDConnectProviderList", providers.ListArns().Select(arn => new XElement(ns + "member", new XElement(ns + "Arn", arn))))];
            case "DeleteOpenIDConnectProvider":
                providers.Delete(Arn());
                return [];
            case "AddClientIDToOpenIDConnectProvider":
                var added = parameters.Required("ClientID");
                providers.Change(Arn(), p =>
                {
                    if (!p.ClientIds.Contains(added))
                    {
                        p.ClientIds.Add(added);
                    }
                });
                return [];
            case "RemoveClientIDFromOpenIDConnectProvider":
                var removed = parameters.Required("ClientID");
                providers.Change(Arn(), p => p.ClientIds.Remove(removed));
                return [];
            case "UpdateOpenIDConnectProviderThumbprint":
                var thumbprints = parameters.List("ThumbprintList");
                providers.Change(Arn(), p => p.Thumbprints = [.. thumbprints.Select(t => t.ToLowerInvariant()).Distinct(StringComparer.Ordinal)]);
                return [];
            case "ListOpenIDConnectProviderTags":
                return [TagList(ns, providers.Get(Arn()).Tags), new XElement(ns + "IsTruncated", "false")];
            case "TagOpenIDConnectProvider":
                var tags = Tags(parameters);
                providers.Change(Arn(), p => p.Tags = [.. p.Tags.Where(t => tags.All(n => n.Key != t.Key)), .. tags]);
                return [];
            case "UntagOpenIDConnectProvider":
                var keys = parameters.List("TagKeys");
                providers.Change(Arn(), p => p.Tags.RemoveAll(t => keys.Contains(t.Key)));
                return [];
            default:
                throw new AwsServiceException("InvalidAction", $"Could not find operation {action}", HttpStatusCode.BadRequest);
        }
    }

    /// <summary><c>Tags.member.N.Key</c> / <c>.Value</c>.</summary>
    private static List<IamTag> Tags(QueryParameters parameters)
    {
        var tags = new List<IamTag>();
        for (var i = 1; parameters.Optional($"Tags.member.{i}.Key") is { } key; i++)
        {
            tags.Add(new IamTag(key, parameters.Optional($"Tags.member.{i}.Value") ?? string.Empty));
        }

        return tags;
    }

    private static XElement TagList(XNamespace ns, IEnumerable<IamTag> tags) =>
        new(ns + "Tags", tags.Select(t => new XElement(ns + "member", new XElement(ns + "Key", t.Key), new XElement(ns + "Value", t.Value))));
}
