using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>
/// The enforcement hook the protocol endpoints call once the caller is verified and before the operation runs, when
/// <see cref="LocalCloudOptions.EnforceIam"/> is on. The configured key is never checked (it is the administrator); a
/// role session is authorized for the operation's IAM action on the resource the request names (from
/// <see cref="OperationActions"/>: the ARN format filled from the request's members); an operation missing from the
/// table is authorized as <c>service:Operation</c> on <c>*</c>, so only a policy allowing it on every resource lets
/// it through (fail closed). A denial is AWS's error for the protocol, with AWS's message.
/// </summary>
internal sealed partial class RequestAuthorization(CallerAuthorizer authorizer, LocalCloudOptions options, IEnumerable<IAuthorizedResources>? known = null)
{
    /// <summary>Request members that carry a placeholder's value where its name is not the member's (IAM's names vs the APIs').</summary>
    private static readonly Dictionary<string, string[]> Aliases = new(StringComparer.Ordinal)
    {
        ["ClusterName"] = ["cluster"],
        ["ServiceName"] = ["service", "services"],
        ["RepositoryName"] = ["repositoryNames"],
        ["TaskId"] = ["tasks"],
        ["PipelineName"] = ["name", "pipelineName", "pipeline.name"],
        ["TaskDefinitionFamilyName"] = ["family"],
        ["RoleNameWithPath"] = ["RoleName", "RoleArn"],
        ["ProjectName"] = ["projectName", "name", "ids"],
        ["RuleName"] = ["Rule", "Name"],
    };

    /// <summary>Throws AWS's access-denied error for the protocol when the caller may not run the operation.</summary>
    public void Authorize(CallerIdentity caller, string service, string operation, Func<string, string?> member, bool jsonProtocol)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (!options.EnforceIam || caller.Session is null || IsUnauthorized(service, operation))
        {
            return;
        }

        var entry = OperationActions.All.FirstOrDefault(e => e.Service == service && e.Operation == operation);
        var action = entry?.Action ?? $"{service}:{operation}";
        var resource = entry is null || entry.ResourceType == "*" ? "*"
            : (known ?? []).Select(k => k.Resolve(service, entry.ResourceType, member)).FirstOrDefault(r => r is not null) ?? Resource(entry.ArnFormat, member);
        var (decision, request) = authorizer.Authorize(caller, action, resource);
        if (!decision.IsAllowed)
        {
            throw jsonProtocol
                ? new AwsServiceException("AccessDeniedException", decision.DenialMessage(request))
                : new AwsServiceException("AccessDenied", decision.DenialMessage(request), HttpStatusCode.Forbidden);
        }
    }

    /// <summary>Calls AWS answers for any caller, whatever its policies say.</summary>
    private static bool IsUnauthorized(string service, string operation) => service == "sts" && operation == "GetCallerIdentity";

    /// <summary>
    /// The ARN format with partition, region and account filled in and every other placeholder from the request member
    /// of that name (camel-cased for JSON APIs, or an alias; <see cref="Resources"/> calls it once per item of a list);
    /// a member holding an ARN gives its last path segment. An ECS
    /// cluster not named is <c>default</c>, as ECS takes it; another placeholder without a member is left as <c>*</c>.
    /// </summary>
    private string Resource(string format, Func<string, string?> member)
    {
        var arn = new StringBuilder(format.Length + 32);
        foreach (var (literal, placeholder, members) in Templates.GetOrAdd(format, Template))
        {
            arn.Append(literal);
            switch (placeholder)
            {
                case null:
                    break;
                case "Partition":
                    arn.Append("aws");
                    break;
                case "Region":
                    arn.Append(options.Region);
                    break;
                case "Account":
                    arn.Append(options.AccountId);
                    break;
                default:
                    var value = members.Select(member).FirstOrDefault(v => !string.IsNullOrEmpty(v));
                    if (value is not null && value.StartsWith("arn:", StringComparison.Ordinal))
                    {
                        value = value[(value.LastIndexOf('/') + 1)..];
                    }

                    arn.Append(value ?? (placeholder == "ClusterName" ? "default" : "*"));
                    break;
            }
        }

        return arn.ToString();
    }

    /// <summary>Each ARN format split once (a regex replace per request was most of authorizing it).</summary>
    private static readonly ConcurrentDictionary<string, IReadOnlyList<TemplatePart>> Templates = new(StringComparer.Ordinal);

    /// <summary>Text up to a placeholder, the placeholder (null after the last) and the request members it may come from.</summary>
    private sealed record TemplatePart(string Literal, string? Placeholder, string[] Members);

    private static IReadOnlyList<TemplatePart> Template(string format)
    {
        var parts = new List<TemplatePart>();
        var at = 0;
        foreach (Match match in Placeholder().Matches(format))
        {
            var name = match.Groups[1].Value;
            parts.Add(new TemplatePart(format[at..match.Index], name, [name, char.ToLowerInvariant(name[0]) + name[1..], .. Aliases.GetValueOrDefault(name) ?? []]));
            at = match.Index + match.Length;
        }

        parts.Add(new TemplatePart(format[at..], null, []));
        return parts;
    }

    [GeneratedRegex(@"\$\{(\w+)\}")]
    private static partial Regex Placeholder();
}
