using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Iam.Policies;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>A denied call: the decision and the request it was made for (each protocol words its own error around them).</summary>
internal sealed record AccessDenial(AccessDecision Decision, AccessRequest Request)
{
    /// <summary>AWS's message, e.g. "User: … is not authorized to perform: ecr:PutImage on resource: arn:… because …".</summary>
    public string Message => Decision.DenialMessage(Request);
}

/// <summary>A role a request passes to a service: where the request holds it and the service it is passed to.</summary>
internal sealed record PassedRole(string Service, string Operation, string Member, string PassedToService);

/// <summary>
/// Authorization beyond one resource per call: a request naming several resources (<c>services</c>, <c>ids</c>,
/// <c>repositoryNames</c>) is authorized on each, as AWS does; a request passing a role needs <c>iam:PassRole</c> on it
/// with <c>iam:PassedToService</c>; and the data planes (S3, the registry, git), which answer denials in their own
/// shapes, ask for the denial rather than an exception.
/// </summary>
internal sealed partial class RequestAuthorization
{
    /// <summary>Where a request passes a role (a member path: dots go into structures, lists are walked item by item).</summary>
    public static IReadOnlyList<PassedRole> PassedRoles { get; } =
    [
        new("ecs", "RegisterTaskDefinition", "taskRoleArn", "ecs-tasks.amazonaws.com"),
        new("ecs", "RegisterTaskDefinition", "executionRoleArn", "ecs-tasks.amazonaws.com"),
        new("codebuild", "CreateProject", "serviceRole", "codebuild.amazonaws.com"),
        new("codebuild", "UpdateProject", "serviceRole", "codebuild.amazonaws.com"),
        new("codepipeline", "CreatePipeline", "pipeline.roleArn", "codepipeline.amazonaws.com"),
        new("codepipeline", "UpdatePipeline", "pipeline.roleArn", "codepipeline.amazonaws.com"),
        new("events", "PutTargets", "Targets.RoleArn", "events.amazonaws.com"),
    ];

    /// <summary>Whether the caller's requests are checked at all: enforcement is on and the caller is a role session.</summary>
    public bool Enforces(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return options.EnforceIam && caller.Session is not null;
    }

    /// <summary>Throws AWS's access-denied error for the protocol when the caller may not run the operation on every
    /// resource it names or may not pass a role it passes; <paramref name="members"/> gives every value at a member path.</summary>
    public void AuthorizeEach(CallerIdentity caller, string service, string operation, Func<string, IReadOnlyList<string>> members, bool jsonProtocol)
    {
        if (OperationDenial(caller, service, operation, members) is { } denial)
        {
            throw jsonProtocol
                ? new AwsServiceException("AccessDeniedException", denial.Message)
                : new AwsServiceException("AccessDenied", denial.Message, System.Net.HttpStatusCode.Forbidden);
        }
    }

    /// <summary>The first denial among the operation's resources and the roles it passes, or null when all are allowed.</summary>
    public AccessDenial? OperationDenial(
        CallerIdentity caller, string service, string operation, Func<string, IReadOnlyList<string>> members,
        IEnumerable<KeyValuePair<string, string>>? context = null)
    {
        ArgumentNullException.ThrowIfNull(members);
        if (!Enforces(caller) || IsUnauthorized(service, operation))
        {
            return null;
        }

        var entry = OperationActions.All.FirstOrDefault(e => e.Service == service && e.Operation == operation);
        var action = entry?.Action ?? $"{service}:{operation}";
        var resources = entry is null || entry.ResourceType == "*" ? ["*"] : Resources(entry.ArnFormat, members);
        return Denial(caller, action, resources, context) ?? PassRoleDenial(caller, service, operation, members);
    }

    /// <summary>The denial of an action that no operation names (the data planes'), on the resource its table entry's ARN
    /// format gives when filled from <paramref name="members"/>; null when allowed.</summary>
    public AccessDenial? ActionDenial(
        CallerIdentity caller, string action, Func<string, IReadOnlyList<string>> members, IEnumerable<KeyValuePair<string, string>>? context = null)
    {
        if (!Enforces(caller))
        {
            return null;
        }

        var entry = OperationActions.All.FirstOrDefault(e => e.Action == action)
                    ?? throw new InvalidOperationException($"{action} is not in the operation table");
        return Denial(caller, action, entry.ResourceType == "*" ? ["*"] : Resources(entry.ArnFormat, members), context);
    }

    private AccessDenial? Denial(CallerIdentity caller, string action, IEnumerable<string> resources, IEnumerable<KeyValuePair<string, string>>? context)
    {
        var keys = (context ?? []).ToList();
        foreach (var resource in resources)
        {
            var (decision, request) = authorizer.Authorize(caller, action, resource, keys);
            if (!decision.IsAllowed)
            {
                return new AccessDenial(decision, request);
            }
        }

        return null;
    }

    /// <summary><c>iam:PassRole</c> on each role the request passes (a bare name is a role of this account).</summary>
    private AccessDenial? PassRoleDenial(CallerIdentity caller, string service, string operation, Func<string, IReadOnlyList<string>> members)
    {
        foreach (var passed in PassedRoles.Where(p => p.Service == service && p.Operation == operation))
        {
            var roles = members(passed.Member).Where(r => r.Length > 0)
                .Select(r => r.StartsWith("arn:", StringComparison.Ordinal) ? r : $"arn:aws:iam::{options.AccountId}:role/{r}");
            if (Denial(caller, "iam:PassRole", roles, [KeyValuePair.Create("iam:PassedToService", passed.PassedToService)]) is { } denial)
            {
                return denial;
            }
        }

        return null;
    }

    /// <summary>
    /// The ARN format filled once per item of a member holding a list (every placeholder with a single value keeps it),
    /// so a request naming three services is authorized on the three services' ARNs. A build id
    /// (<c>project:uuid</c>, or its ARN) names its project.
    /// </summary>
    private List<string> Resources(string format, Func<string, IReadOnlyList<string>> members)
    {
        var resources = new List<string>();
        for (var item = 0; ; item++)
        {
            var more = false;
            resources.Add(Resource(format, name =>
            {
                var values = members(name);
                if (values.Count == 0)
                {
                    return null;
                }

                more |= values.Count > item + 1;
                var value = values[Math.Min(item, values.Count - 1)];
                return name == "ids" ? ProjectOfBuild(value) : value;
            }));
            if (!more)
            {
                return [.. resources.Distinct(StringComparer.Ordinal)];
            }
        }
    }

    private static string ProjectOfBuild(string id)
    {
        var build = id[(id.LastIndexOf('/') + 1)..];
        var colon = build.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? build : build[..colon];
    }
}
