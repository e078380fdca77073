using System.Xml.Linq;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sts;

/// <summary>STS (query, 2011-06-15): GetCallerIdentity, answering for the key that signed the request (root or session).</summary>
internal sealed class StsService(LocalCloudOptions options, RequestCaller caller) : IQueryApiService
{
    public string SigningName => "sts";

    public XNamespace XmlNamespace => "https://sts.amazonaws.com/doc/2011-06-15/";

    public bool Supports(string action) => action == "GetCallerIdentity";

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) => action switch
    {
        "GetCallerIdentity" =>
        [
            new XElement(XmlNamespace + "Arn", caller.Current.Arn),
            new XElement(XmlNamespace + "UserId", caller.Current.UserId),
            new XElement(XmlNamespace + "Account", options.AccountId),
        ],
        _ => throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}"),
    };
}
