using System.Xml.Linq;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sts;

/// <summary>STS (query, 2011-06-15): only GetCallerIdentity — there is one local identity.</summary>
internal sealed class StsService(LocalCloudOptions options) : IQueryApiService
{
    /// <summary>Shaped like an IAM user id (AIDA...); fixed because there is only one caller.</summary>
    private const string LocalUserId = "AIDALOCALCLOUDUSER001";

    public string SigningName => "sts";

    public XNamespace XmlNamespace => "https://sts.amazonaws.com/doc/2011-06-15/";

    public bool Supports(string action) => action == "GetCallerIdentity";

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) => action switch
    {
        "GetCallerIdentity" =>
        [
            new XElement(XmlNamespace + "Arn", $"arn:aws:iam::{options.AccountId}:user/local"),
            new XElement(XmlNamespace + "UserId", LocalUserId),
            new XElement(XmlNamespace + "Account", options.AccountId),
        ],
        _ => throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}"),
    };
}
