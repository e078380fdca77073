using System.Xml.Linq;

namespace Deploy.LocalCloud.Protocols;

/// <summary>
/// A query-protocol service. Query services share one endpoint and may share action names, so they are
/// routed by the signing name in the SigV4 credential scope (sts, iam, cloudformation, ...).
/// </summary>
internal interface IQueryApiService
{
    string SigningName { get; }

    /// <summary>Namespace of the response document, e.g. <c>https://sts.amazonaws.com/doc/2011-06-15/</c>.</summary>
    XNamespace XmlNamespace { get; }

    /// <summary>Whether the action is one of this service's (used to render errors of unsigned requests).</summary>
    bool Supports(string action);

    /// <summary>Returns the children of <c>&lt;ActionResult&gt;</c>; throws <see cref="AwsServiceException"/> for AWS errors.</summary>
    IEnumerable<XElement> Handle(string action, QueryParameters parameters);

    /// <summary>The same, for actions that wait on I/O (STS fetching an identity provider's keys); defaults to <see cref="Handle"/>.</summary>
    Task<IEnumerable<XElement>> HandleAsync(string action, QueryParameters parameters, CancellationToken cancellationToken) =>
        Task.FromResult(Handle(action, parameters));

    /// <summary>
    /// Actions AWS also serves without a signature (botocore's <c>noAuth</c>, e.g. STS AssumeRoleWithWebIdentity; SNS's
    /// SubscribeURL and UnsubscribeURL are fetched unsigned); <see cref="QueryParameters.IsSigned"/> tells the action
    /// which kind it got.
    /// </summary>
    bool AllowsUnsigned(string action) => false;
}
