namespace Deploy.LocalCloud.Iam.Policies;

/// <summary>
/// What a policy is evaluated for: the action, who asks (each principal form that names the caller, e.g. a role session
/// is named by its role's ARN and by its account), and the request's condition keys with their values.
/// </summary>
internal sealed record PolicyRequest
{
    public PolicyRequest(string action, IEnumerable<PolicyPrincipal> principals, IEnumerable<KeyValuePair<string, string>> context)
    {
        Action = action;
        Principals = [.. principals];
        Context = PolicyPatterns.Context(context);
    }

    /// <summary>E.g. <c>sts:AssumeRoleWithWebIdentity</c>.</summary>
    public string Action { get; }

    public IReadOnlyList<PolicyPrincipal> Principals { get; }

    /// <summary>Condition keys (case-insensitive, as IAM compares key names) and their values; a key may have several.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Context { get; }
}

/// <summary>One way a policy's <c>Principal</c> element can name the caller: type (<c>AWS</c>, <c>Federated</c>, <c>Service</c>) and value.</summary>
internal sealed record PolicyPrincipal(string Type, string Value);

/// <summary>The outcome of an evaluation: an explicit deny wins over any allow; nothing matching is an implicit deny.</summary>
internal enum PolicyDecision
{
    ImplicitDeny,
    Allow,
    ExplicitDeny,
}
