using System.Globalization;
using System.Security.Cryptography;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Ecs;

/// <summary>ecs.json plus the naming rules (ARNs, ids) and lookups shared by the API and the scheduler.</summary>
internal sealed class EcsStore(LocalCloudOptions options, TimeProvider clock)
{
    private readonly JsonStateFile<EcsState> file = new(options.StateDirectory, "ecs.json");

    public LocalCloudOptions Options => options;

    public DateTimeOffset Now => clock.GetUtcNow();

    public TResult Read<TResult>(Func<EcsState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<EcsState, TResult> change) => file.Update(change);

    public void Update(Action<EcsState> change) => file.Update(state =>
    {
        change(state);
        return 0;
    });

    public string Arn(string resource) => $"arn:aws:ecs:{options.Region}:{options.AccountId}:{resource}";

    public static string NewTaskId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static string NewDeploymentId() =>
        "ecs-svc/" + string.Concat(Enumerable.Range(0, 19).Select(i => (i == 0 ? RandomNumberGenerator.GetInt32(1, 10) : RandomNumberGenerator.GetInt32(10)).ToString(CultureInfo.InvariantCulture)));

    public static string LastSegment(string nameOrArn) => nameOrArn[(nameOrArn.LastIndexOf('/') + 1)..];

    public static string TaskId(string taskArn) => LastSegment(taskArn);

    public static ClusterRecord Cluster(EcsState state, string? nameOrArn)
    {
        var name = LastSegment(nameOrArn ?? "default");
        return state.Clusters.TryGetValue(name, out var cluster) && cluster.Status == "ACTIVE"
            ? cluster
            : throw new AwsServiceException("ClusterNotFoundException", "Cluster not found.");
    }

    /// <summary>family, family:revision or a full ARN; the family alone means the latest ACTIVE revision.</summary>
    public static TaskDefinitionRecord? FindTaskDefinition(EcsState state, string reference)
    {
        var name = LastSegment(reference);
        var colon = name.LastIndexOf(':');
        var family = colon < 0 ? name : name[..colon];
        if (!state.TaskDefinitions.TryGetValue(family, out var revisions))
        {
            return null;
        }

        if (colon < 0)
        {
            return revisions.LastOrDefault(r => r.Status == "ACTIVE");
        }

        return int.TryParse(name[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var revision) && revision >= 1 && revision <= revisions.Count
            ? revisions[revision - 1]
            : null;
    }

    public static TaskDefinitionRecord TaskDefinition(EcsState state, string reference) =>
        FindTaskDefinition(state, reference) ?? throw new AwsServiceException("ClientException", "Unable to describe task definition.");

    public ServiceRecord? FindService(EcsState state, ClusterRecord cluster, string nameOrArn)
    {
        var name = LastSegment(nameOrArn);
        return state.Services.GetValueOrDefault(Arn($"service/{cluster.Name}/{name}")) is { Status: not "INACTIVE" } service ? service : null;
    }

    public ServiceRecord Service(EcsState state, ClusterRecord cluster, string nameOrArn) =>
        FindService(state, cluster, nameOrArn) ?? throw new AwsServiceException("ServiceNotFoundException", "Service not found.");

    public static void AddEvent(ServiceRecord service, DateTimeOffset at, string message)
    {
        service.Events.Insert(0, new ServiceEventRecord { Id = Guid.NewGuid().ToString(), CreatedAt = at, Message = $"(service {service.Name}) {message}" });
        if (service.Events.Count > 100)
        {
            service.Events.RemoveRange(100, service.Events.Count - 100);
        }
    }

    public static bool IsAlive(TaskRecord task) => task.LastStatus != "STOPPED";
}
