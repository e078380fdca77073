namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// A call to authorize against the caller's identity policies: who (<see cref="CallerArn"/>, for the denial message),
/// the IAM action (<c>ecs:UpdateService</c>), the resource's ARN (<c>*</c> for actions without resource-level
/// permissions) and the request's condition keys, e.g. <c>iam:PassedToService</c> or <c>aws:username</c>.
/// </summary>
internal sealed record AccessRequest
{
    public AccessRequest(string callerArn, string action, string resource, IEnumerable<KeyValuePair<string, string>>? context = null)
    {
        CallerArn = callerArn;
        Action = action;
        Resource = resource;
        Context = PolicyPatterns.Context(context ?? []);
    }

    public string CallerArn { get; }

    public string Action { get; }

    public string Resource { get; }

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Context { get; }
}

/// <summary>An identity policy of the caller: an inline policy by its name, or a managed one by its ARN; the document as JSON text.</summary>
internal sealed record IdentityPolicy(string Name, string Document);

/// <summary>
/// The outcome of authorizing an <see cref="AccessRequest"/>, with the policy and statement that decided it (the
/// denying statement, or the first allowing one; none for an implicit deny).
/// </summary>
internal sealed record AccessDecision(PolicyDecision Decision, string? PolicyName = null, string? StatementId = null)
{
    public bool IsAllowed => Decision == PolicyDecision.Allow;

    /// <summary>AWS's message for a denied call, e.g. "User: arn:aws:sts::…:assumed-role/R/S is not authorized to
    /// perform: ecs:UpdateService on resource: arn:… because no identity-based policy allows the ecs:UpdateService action".</summary>
    public string DenialMessage(AccessRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var because = Decision == PolicyDecision.ExplicitDeny
            ? "with an explicit deny in an identity-based policy"
            : $"because no identity-based policy allows the {request.Action} action";
        return $"User: {request.CallerArn} is not authorized to perform: {request.Action} on resource: {request.Resource} {because}";
    }
}
