using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CloudFormation;

/// <summary>A stack named in a request (<c>StackName</c>: its name or ARN) is authorized by its ARN, <c>…:stack/&lt;name&gt;/&lt;id&gt;</c>.</summary>
internal sealed class StackAuthorizedResources(CloudFormationStore store) : IAuthorizedResources
{
    public string? Resolve(string service, string resourceType, Func<string, string?> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (service != "cloudformation" || resourceType != "stack" || member("StackName") is not { Length: > 0 } stack)
        {
            return null;
        }

        return stack.StartsWith("arn:", StringComparison.Ordinal) ? stack : store.Read(state => CloudFormationStore.FindStack(state, stack)?.StackId);
    }
}
