using System.Xml.Linq;

namespace Deploy.Aws.Iam;

/// <summary>
/// AWS IAM, query protocol (API 2010-05-08), global endpoint (<c>iam.amazonaws.com</c>, signed for us-east-1 in the
/// aws partition). Failures throw <see cref="IamException"/>; a missing role or policy has code <c>NoSuchEntity</c>.
/// </summary>
public sealed class IamClient(AwsSession session)
{
    /// <summary>The error code IAM answers for a role or policy that does not exist.</summary>
    public const string NoSuchEntity = "NoSuchEntity";

    private readonly AwsSession session = session ?? throw new ArgumentNullException(nameof(session));

    public async Task<CreateRoleResponse> CreateRoleAsync(CreateRoleRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request)
            .Add("Path", request.Path)
            .Add("RoleName", request.RoleName)
            .Add("AssumeRolePolicyDocument", request.AssumeRolePolicyDocument)
            .Add("Description", request.Description)
            .Add("MaxSessionDuration", request.MaxSessionDuration)
            .Add("PermissionsBoundary", request.PermissionsBoundary)
            .AddList("Tags", request.Tags, (q, p, t) => q.Add(p + ".Key", t.Key).Add(p + ".Value", t.Value));
        var result = await Call("CreateRole", form, Role(request.RoleName), cancellationToken).ConfigureAwait(false);
        return new CreateRoleResponse(ReadRole(result.Child("Role")));
    }

    public async Task<GetRoleResponse> GetRoleAsync(GetRoleRequest request, CancellationToken cancellationToken = default)
    {
        var form = QueryRequest.For(request).Add("RoleName", request.RoleName);
        var result = await Call("GetRole", form, Role(request.RoleName), cancellationToken).ConfigureAwait(false);
        return new GetRoleResponse(ReadRole(result.Child("Role")));
    }

    /// <summary>The role, or null when IAM answers <c>NoSuchEntity</c>.</summary>
    public async Task<Role?> FindRoleAsync(string roleName, CancellationToken cancellationToken = default)
    {
        try
        {
            return (await GetRoleAsync(new GetRoleRequest(roleName), cancellationToken).ConfigureAwait(false)).Role;
        }
        catch (IamException e) when (e.Code == NoSuchEntity)
        {
            return null;
        }
    }

    /// <summary>Deletes a role; inline policies must be deleted and managed policies detached first (else <c>DeleteConflict</c>).</summary>
    public Task DeleteRoleAsync(DeleteRoleRequest request, CancellationToken cancellationToken = default) =>
        Call("DeleteRole", QueryRequest.For(request).Add("RoleName", request.RoleName), Role(request.RoleName), cancellationToken);

    /// <summary>Creates or replaces an inline policy of a role.</summary>
    public Task PutRolePolicyAsync(PutRolePolicyRequest request, CancellationToken cancellationToken = default) =>
        Call(
            "PutRolePolicy",
            QueryRequest.For(request).Add("RoleName", request.RoleName).Add("PolicyName", request.PolicyName).Add("PolicyDocument", request.PolicyDocument),
            Policy(request.PolicyName, request.RoleName),
            cancellationToken);

    public Task DeleteRolePolicyAsync(DeleteRolePolicyRequest request, CancellationToken cancellationToken = default) =>
        Call(
            "DeleteRolePolicy",
            QueryRequest.For(request).Add("RoleName", request.RoleName).Add("PolicyName", request.PolicyName),
            Policy(request.PolicyName, request.RoleName),
            cancellationToken);

    /// <summary>Attaches a managed policy (e.g. <c>arn:aws:iam::aws:policy/ReadOnlyAccess</c>) to a role.</summary>
    public Task AttachRolePolicyAsync(AttachRolePolicyRequest request, CancellationToken cancellationToken = default) =>
        Call(
            "AttachRolePolicy",
            QueryRequest.For(request).Add("RoleName", request.RoleName).Add("PolicyArn", request.PolicyArn),
            $"policy {request.PolicyArn} on role '{request.RoleName}'",
            cancellationToken);

    internal static Role ReadRole(XElement? x)
    {
        if (x is null)
        {
            throw new InvalidDataException("IAM returned no Role element.");
        }

        return new Role
        {
            Path = x.Text("Path"),
            RoleName = x.Text("RoleName"),
            RoleId = x.Text("RoleId"),
            Arn = x.Text("Arn"),
            CreateDate = x.Timestamp("CreateDate"),
            AssumeRolePolicyDocument = x.Text("AssumeRolePolicyDocument") is { } document ? DecodePolicy(document) : null,
            Description = x.Text("Description"),
            MaxSessionDuration = x.Int("MaxSessionDuration"),
            PermissionsBoundary = x.Child("PermissionsBoundary") is { } boundary
                ? new AttachedPermissionsBoundary(boundary.Text("PermissionsBoundaryType"), boundary.Text("PermissionsBoundaryArn"))
                : null,
            Tags = x.List("Tags", t => new IamTag(t.Text("Key") ?? string.Empty, t.Text("Value") ?? string.Empty)),
            RoleLastUsed = x.Child("RoleLastUsed") is { } used ? new RoleLastUsed(used.Timestamp("LastUsedDate"), used.Text("Region")) : null,
        };
    }

    /// <summary>IAM returns policy documents URL-encoded (RFC 3986); a document that is already JSON is left alone.</summary>
    internal static string DecodePolicy(string document) =>
        document.TrimStart().StartsWith('{') ? document : Uri.UnescapeDataString(document);

    private static string Role(string name) => $"role '{name}'";

    private static string Policy(string policy, string role) => $"policy '{policy}' of role '{role}'";

    private Task<XElement> Call(string action, QueryRequest form, string resource, CancellationToken cancellationToken) =>
        QueryProtocol.InvokeAsync(session, AwsService.Iam, action, form, resource, cancellationToken);
}
