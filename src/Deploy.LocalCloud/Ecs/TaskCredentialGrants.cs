using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

/// <summary>
/// A task not yet stopped holds a grant of its task definition's <c>taskRoleArn</c>; the session is named by the task id,
/// as ECS names it. (The task execution role is not served to containers: ECS uses it itself, to pull and to log.)
/// </summary>
internal sealed class TaskCredentialGrants(EcsStore store) : IContainerCredentialGrants
{
    public ContainerCredentialGrant? Find(string tokenHash) => store.Read(state =>
    {
        var task = state.Tasks.Values.FirstOrDefault(t => t.LastStatus != "STOPPED" && ContainerCredentialsEndpoint.Matches(t.CredentialsTokenHash, tokenHash));
        var role = task is null ? null : EcsStore.FindTaskDefinition(state, task.TaskDefinitionArn)?.Definition.OptionalString("taskRoleArn");
        return role is null ? null : new ContainerCredentialGrant(task!.Arn, role, EcsStore.TaskId(task.Arn));
    });
}
