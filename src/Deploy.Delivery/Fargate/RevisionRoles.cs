using Deploy.Aws;
using Deploy.Aws.Ecs;
using Deploy.Aws.Iam;
using Deploy.Engine;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// Whether the IAM roles a task definition revision names still exist. A revision keeps the role ARNs it was registered
/// with; after DestroyInfra and ProvisionInfra the platform's roles are new ones (new generated names), so an older
/// revision points at roles that are gone. ECS accepts such a revision, and its tasks then fail to start on AWS
/// (ECS cannot assume the execution role to pull the image) — the check makes that a refusal before anything changes.
/// </summary>
public sealed class RevisionRoles(IamClient iam, IBuildLog log)
{
    /// <summary>The roles of <paramref name="revision"/> that do not exist (role ARN → what it is for); empty when all do.</summary>
    public async Task<IReadOnlyList<(string Arn, string Use)>> MissingAsync(TaskDefinition revision, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(revision);
        var missing = new List<(string, string)>();
        foreach (var (arn, use) in new[] { (revision.ExecutionRoleArn, "execution role"), (revision.TaskRoleArn, "task role") })
        {
            if (arn is null)
            {
                continue;
            }

            var name = arn[(arn.LastIndexOf('/') + 1)..];
            try
            {
                var role = await iam.FindRoleAsync(name, cancellationToken);
                if (role is null || (role.Arn is not null && role.Arn != arn))
                {
                    missing.Add((arn, use));
                }
            }
            catch (AwsServiceException e) when (e.Code is "AccessDenied" or "AccessDeniedException")
            {
                log.Warning($"Could not check that the {use} {arn} exists ({e.Code}: iam:GetRole is not allowed); rolling back without that check.");
            }
        }

        return missing;
    }
}
