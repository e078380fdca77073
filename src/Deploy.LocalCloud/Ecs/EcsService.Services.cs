using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

internal sealed partial class EcsService
{
    private JsonObject CreateService(JsonObject request)
    {
        var name = request.RequiredString("serviceName");
        var reference = request.OptionalString("taskDefinition") ?? throw new AwsServiceException("InvalidParameterException", "Task definition is required.");
        var desired = request.OptionalInt("desiredCount") ?? 0;
        var launchType = request.OptionalString("launchType") ?? "FARGATE";
        if (launchType is not ("EC2" or "FARGATE"))
        {
            throw new AwsServiceException("ClientException", "launch type should be one of [EC2,FARGATE]");
        }

        if (desired < 0)
        {
            throw new AwsServiceException("InvalidParameterException", "desiredCount must be 0 or more.");
        }

        var loadBalancers = ReadLoadBalancers(request);
        scheduler.ValidateLoadBalancers(loadBalancers);
        var tags = ReadTags(request);
        var now = store.Now;
        var service = store.Update(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var definition = ActiveTaskDefinition(state, reference);
            var arn = store.Arn($"service/{cluster.Name}/{name}");
            if (state.Services.TryGetValue(arn, out var existing) && existing.Status != "INACTIVE")
            {
                throw new AwsServiceException("InvalidParameterException", "Creation of service was not idempotent.");
            }

            ValidateLoadBalancerContainers(definition, loadBalancers);
            var created = new ServiceRecord
            {
                Arn = arn,
                Name = name,
                ClusterArn = cluster.Arn,
                TaskDefinitionArn = definition.Arn,
                DesiredCount = desired,
                LaunchType = launchType,
                NetworkConfiguration = request.OptionalObject("networkConfiguration")?.DeepClone().AsObject(),
                LoadBalancers = loadBalancers,
                HealthCheckGracePeriodSeconds = request.OptionalInt("healthCheckGracePeriodSeconds"),
                EnableExecuteCommand = request.OptionalBool("enableExecuteCommand") ?? false,
                PlatformVersion = launchType == "FARGATE" ? request.OptionalString("platformVersion") ?? "LATEST" : null,
                SchedulingStrategy = request.OptionalString("schedulingStrategy") ?? "REPLICA",
                CreatedAt = now,
            };
            ApplyDeploymentConfiguration(created, request.OptionalObject("deploymentConfiguration"));
            created.Deployments.Add(new DeploymentRecord
            {
                Id = EcsStore.NewDeploymentId(),
                TaskDefinitionArn = definition.Arn,
                DesiredCount = desired,
                CreatedAt = now,
                UpdatedAt = now,
            });
            state.Services[arn] = created;
            MergeTags(state, arn, tags);
            return created;
        });
        scheduler.Wake();
        return new JsonObject { ["service"] = store.Read(state => EcsJson.Service(state, service, includeTags: false)) };
    }

    private JsonObject UpdateService(JsonObject request)
    {
        var name = request.RequiredString("service");
        var reference = request.OptionalString("taskDefinition");
        var desired = request.OptionalInt("desiredCount");
        var force = request.OptionalBool("forceNewDeployment") ?? false;
        var loadBalancers = request.OptionalArray("loadBalancers") is null ? null : ReadLoadBalancers(request);
        if (loadBalancers is not null)
        {
            scheduler.ValidateLoadBalancers(loadBalancers);
        }

        if (desired < 0)
        {
            throw new AwsServiceException("InvalidParameterException", "desiredCount must be 0 or more.");
        }

        var now = store.Now;
        var service = store.Update(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var service = store.Service(state, cluster, name);
            if (service.Status != "ACTIVE")
            {
                throw new AwsServiceException("ServiceNotActiveException", "Service was not ACTIVE.");
            }

            var definition = reference is null ? null : ActiveTaskDefinition(state, reference);
            ApplyDeploymentConfiguration(service, request.OptionalObject("deploymentConfiguration"));
            if (request.OptionalObject("networkConfiguration") is { } network)
            {
                service.NetworkConfiguration = network.DeepClone().AsObject();
            }

            if (request.OptionalInt("healthCheckGracePeriodSeconds") is { } grace)
            {
                service.HealthCheckGracePeriodSeconds = grace;
            }

            if (loadBalancers is not null)
            {
                service.LoadBalancers = loadBalancers;
            }

            ValidateLoadBalancerContainers(definition ?? EcsStore.TaskDefinition(state, service.TaskDefinitionArn), service.LoadBalancers);
            if (desired is { } count)
            {
                service.DesiredCount = count;
                foreach (var deployment in service.Deployments.Where(d => d.Status == "PRIMARY"))
                {
                    deployment.DesiredCount = count;
                    deployment.UpdatedAt = now;
                }

                service.SteadySince = null;
            }

            var changedDefinition = definition is not null && definition.Arn != service.TaskDefinitionArn;
            if (changedDefinition || force || loadBalancers is not null)
            {
                service.TaskDefinitionArn = definition?.Arn ?? service.TaskDefinitionArn;
                foreach (var deployment in service.Deployments.Where(d => d.Status == "PRIMARY"))
                {
                    deployment.Status = "ACTIVE";
                    deployment.UpdatedAt = now;
                }

                service.Deployments.Insert(0, new DeploymentRecord
                {
                    Id = EcsStore.NewDeploymentId(),
                    TaskDefinitionArn = service.TaskDefinitionArn,
                    DesiredCount = service.DesiredCount,
                    CreatedAt = now,
                    UpdatedAt = now,
                });
                service.SteadySince = null;
            }

            return service;
        });
        scheduler.Wake();
        return new JsonObject { ["service"] = store.Read(state => EcsJson.Service(state, service, includeTags: false)) };
    }

    private JsonObject DescribeServices(JsonObject request)
    {
        var names = request.OptionalStringList("services");
        if (names.Count == 0)
        {
            throw AwsServiceException.Validation("services");
        }

        var includeTags = request.OptionalStringList("include").Contains("TAGS");
        return store.Read(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var services = new JsonArray();
            var failures = new JsonArray();
            foreach (var reference in names)
            {
                var arn = store.Arn($"service/{cluster.Name}/{EcsStore.LastSegment(reference)}");
                if (state.Services.TryGetValue(arn, out var service))
                {
                    services.Add(EcsJson.Service(state, service, includeTags));
                }
                else
                {
                    failures.Add(new JsonObject { ["arn"] = reference.StartsWith("arn:", StringComparison.Ordinal) ? reference : arn, ["reason"] = "MISSING" });
                }
            }

            return new JsonObject { ["services"] = services, ["failures"] = failures };
        });
    }

    private JsonObject DeleteService(JsonObject request)
    {
        var name = request.RequiredString("service");
        var force = request.OptionalBool("force") ?? false;
        var now = store.Now;
        var service = store.Update(state =>
        {
            var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
            var service = store.Service(state, cluster, name);
            if (service.DesiredCount > 0 && !force)
            {
                throw new AwsServiceException("InvalidParameterException", "The service cannot be stopped while it is scaled above 0.");
            }

            service.Status = "DRAINING";
            service.DesiredCount = 0;
            foreach (var deployment in service.Deployments)
            {
                deployment.DesiredCount = 0;
                deployment.UpdatedAt = now;
            }

            return service;
        });
        scheduler.Wake();
        return new JsonObject { ["service"] = store.Read(state => EcsJson.Service(state, service, includeTags: false)) };
    }

    private JsonObject ListServices(JsonObject request) => store.Read(state =>
    {
        var cluster = EcsStore.Cluster(state, request.OptionalString("cluster"));
        var launchType = request.OptionalString("launchType");
        // ListServices returns 10 per page unless asked for more (ECS's default).
        var arns = state.Services.Values
            .Where(s => s.ClusterArn == cluster.Arn && s.Status == "ACTIVE" && (launchType is null || s.LaunchType == launchType))
            .Select(s => s.Arn);
        return EcsPages.Page(arns, request, "serviceArns", defaultSize: 10);
    });

    private static TaskDefinitionRecord ActiveTaskDefinition(EcsState state, string reference)
    {
        var definition = EcsStore.TaskDefinition(state, reference);
        return definition.Status == "ACTIVE"
            ? definition
            : throw new AwsServiceException("ClientException", $"TaskDefinition is inactive: {definition.Arn}");
    }

    private static List<LoadBalancerBinding> ReadLoadBalancers(JsonObject request) =>
        [.. (request.OptionalArray("loadBalancers") ?? []).OfType<JsonObject>().Select(lb => new LoadBalancerBinding
        {
            TargetGroupArn = lb.OptionalString("targetGroupArn"),
            LoadBalancerName = lb.OptionalString("loadBalancerName"),
            ContainerName = lb.OptionalString("containerName"),
            ContainerPort = lb.OptionalInt("containerPort"),
        })];

    private static void ValidateLoadBalancerContainers(TaskDefinitionRecord definition, List<LoadBalancerBinding> loadBalancers)
    {
        foreach (var binding in loadBalancers)
        {
            var container = definition.Definition["containerDefinitions"]!.AsArray().OfType<JsonObject>()
                .FirstOrDefault(c => c.OptionalString("name") == binding.ContainerName);
            var ports = container?.OptionalArray("portMappings")?.OfType<JsonObject>().Select(p => p.OptionalInt("containerPort")).ToList() ?? [];
            if (container is null || !ports.Contains(binding.ContainerPort))
            {
                throw new AwsServiceException("InvalidParameterException",
                    $"The container {binding.ContainerName} does not have a container port {binding.ContainerPort} defined.");
            }
        }
    }

    private static void ApplyDeploymentConfiguration(ServiceRecord service, JsonObject? configuration)
    {
        if (configuration is null)
        {
            return;
        }

        service.MinimumHealthyPercent = configuration.OptionalInt("minimumHealthyPercent") ?? service.MinimumHealthyPercent;
        service.MaximumPercent = configuration.OptionalInt("maximumPercent") ?? service.MaximumPercent;
        if (service.MaximumPercent < 100 || service.MinimumHealthyPercent < 0 || service.MinimumHealthyPercent > 100)
        {
            throw new AwsServiceException("InvalidParameterException", "maximumPercent must be at least 100 and minimumHealthyPercent between 0 and 100.");
        }

        if (configuration.OptionalObject("deploymentCircuitBreaker") is { } breaker)
        {
            service.CircuitBreakerEnable = breaker.OptionalBool("enable") ?? throw AwsServiceException.Validation("deploymentConfiguration.deploymentCircuitBreaker.enable");
            service.CircuitBreakerRollback = breaker.OptionalBool("rollback") ?? throw AwsServiceException.Validation("deploymentConfiguration.deploymentCircuitBreaker.rollback");
        }
    }
}
