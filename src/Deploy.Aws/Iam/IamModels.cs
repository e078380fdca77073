namespace Deploy.Aws.Iam;

// Shapes follow botocore's iam/2010-05-08 model; acronyms in .NET casing.

public sealed record IamTag(string Key, string Value);

public sealed record AttachedPermissionsBoundary(string? PermissionsBoundaryType, string? PermissionsBoundaryArn);

public sealed record RoleLastUsed(DateTimeOffset? LastUsedDate, string? Region);

public sealed record Role
{
    public string? Path { get; init; }

    public string? RoleName { get; init; }

    public string? RoleId { get; init; }

    public string? Arn { get; init; }

    public DateTimeOffset? CreateDate { get; init; }

    /// <summary>The trust policy as JSON (IAM returns it URL-encoded; the client decodes it).</summary>
    public string? AssumeRolePolicyDocument { get; init; }

    public string? Description { get; init; }

    public int? MaxSessionDuration { get; init; }

    public AttachedPermissionsBoundary? PermissionsBoundary { get; init; }

    public IReadOnlyList<IamTag>? Tags { get; init; }

    public RoleLastUsed? RoleLastUsed { get; init; }
}

public sealed record CreateRoleRequest
{
    public required string RoleName { get; init; }

    /// <summary>The trust policy JSON.</summary>
    public required string AssumeRolePolicyDocument { get; init; }

    /// <summary>E.g. <c>/service-role/</c>; defaults to <c>/</c>.</summary>
    public string? Path { get; init; }

    public string? Description { get; init; }

    /// <summary>Seconds, 3600..43200.</summary>
    public int? MaxSessionDuration { get; init; }

    public string? PermissionsBoundary { get; init; }

    public IReadOnlyList<IamTag>? Tags { get; init; }
}

public sealed record CreateRoleResponse(Role Role);

public sealed record GetRoleRequest(string RoleName);

public sealed record GetRoleResponse(Role Role);

public sealed record DeleteRoleRequest(string RoleName);

public sealed record PutRolePolicyRequest(string RoleName, string PolicyName, string PolicyDocument);

public sealed record DeleteRolePolicyRequest(string RoleName, string PolicyName);

public sealed record AttachRolePolicyRequest(string RoleName, string PolicyArn);
