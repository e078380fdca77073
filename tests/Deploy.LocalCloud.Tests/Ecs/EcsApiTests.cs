using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.Ecs;

/// <summary>ECS control-plane semantics that need no containers: CRUD, errors against moto, concurrency.</summary>
public sealed class EcsApiTests
{
    [Fact]
    public async Task Task_definitions_get_revisions_per_family_and_deregistered_ones_turn_inactive()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        var first = await WebService.RegisterAsync(cloud, "api", "127.0.0.1:1/none:v1");
        var second = await WebService.RegisterAsync(cloud, "api", "127.0.0.1:1/none:v2");
        await WebService.RegisterAsync(cloud, "apiother", "127.0.0.1:1/none:v1");
        var latest = await cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", "api");
        await cli.JsonAsync("ecs", "deregister-task-definition", "--task-definition", "api:1");
        var inactive = await cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", first);
        var active = await cli.JsonAsync("ecs", "list-task-definitions", "--family-prefix", "api");
        var inactiveList = await cli.JsonAsync("ecs", "list-task-definitions", "--family-prefix", "api", "--status", "INACTIVE");
        var families = await cli.JsonAsync("ecs", "list-task-definition-families");
        await cli.JsonAsync("ecs", "create-cluster", "--cluster-name", "api");
        var refused = await cli.ErrorCodeAsync("ecs", "create-service", "--cluster", "api", "--service-name", "s", "--task-definition", "api:1", "--desired-count", "0");

        Assert.EndsWith("task-definition/api:2", second, StringComparison.Ordinal);
        Assert.Equal(2, latest["taskDefinition"]!["revision"]!.GetValue<int>());
        var container = latest["taskDefinition"]!["containerDefinitions"]![0]!;
        Assert.Equal(8080, container["portMappings"]![0]!["hostPort"]!.GetValue<int>());
        Assert.True(container["essential"]!.GetValue<bool>());
        Assert.Equal("INACTIVE", inactive["taskDefinition"]!["status"]!.GetValue<string>());
        Assert.Equal([second], active["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal([first], inactiveList["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["api", "apiother"], families["families"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("ClientException", refused);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Lists_come_in_pages_of_maxResults_that_the_aws_clis_paginator_follows_to_the_end()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        string[] registered = [await WebService.RegisterAsync(cloud, "paged", "127.0.0.1:1/none:v1"),
            await WebService.RegisterAsync(cloud, "paged", "127.0.0.1:1/none:v2"), await WebService.RegisterAsync(cloud, "paged", "127.0.0.1:1/none:v3")];

        var firstPage = await cli.JsonAsync("ecs", "list-task-definitions", "--family-prefix", "paged", "--max-results", "2", "--no-paginate");
        var all = await cli.JsonAsync("ecs", "list-task-definitions", "--family-prefix", "paged", "--page-size", "1");
        var refused = await cli.ErrorCodeAsync("ecs", "list-task-definitions", "--starting-token", "bm90LWEtdG9rZW4=", "--page-size", "1");

        Assert.Equal(registered[..2], firstPage["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.NotNull(firstPage["nextToken"]);
        Assert.Equal(registered, all["taskDefinitionArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("InvalidParameterException", refused);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Clusters_services_and_tags_round_trip_and_services_without_tasks_complete_at_once()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        var cluster = await cli.JsonAsync("ecs", "create-cluster", "--cluster-name", "crud", "--tags", "key=team,value=web");
        var clusterArn = cluster["cluster"]!["clusterArn"]!.GetValue<string>();
        await WebService.RegisterAsync(cloud, "crud", "127.0.0.1:1/none:v1");
        var created = await cli.JsonAsync("ecs", "create-service", "--cluster", "crud", "--service-name", "idle", "--task-definition", "crud", "--desired-count", "0",
            "--deployment-configuration", "minimumHealthyPercent=50,maximumPercent=150,deploymentCircuitBreaker={enable=true,rollback=false}");
        var serviceArn = created["service"]!["serviceArn"]!.GetValue<string>();
        await cli.JsonAsync("ecs", "tag-resource", "--resource-arn", serviceArn, "--tags", "key=tier,value=front");
        var tags = await cli.JsonAsync("ecs", "list-tags-for-resource", "--resource-arn", serviceArn);
        var clusterTags = await cli.JsonAsync("ecs", "list-tags-for-resource", "--resource-arn", clusterArn);
        var listed = await cli.JsonAsync("ecs", "list-services", "--cluster", "crud");
        var clusters = await cli.JsonAsync("ecs", "list-clusters");
        var described = await EcsTestKit.WaitForAsync(() => cli.JsonAsync("ecs", "describe-services", "--cluster", "crud", "--services", "idle", "ghost"),
            d => d["services"]![0]!["deployments"]![0]!["rolloutState"]!.GetValue<string>() == "COMPLETED", TimeSpan.FromSeconds(10), "an empty service to complete");
        var busy = await cli.ErrorCodeAsync("ecs", "delete-cluster", "--cluster", "crud");
        await cli.JsonAsync("ecs", "delete-service", "--cluster", "crud", "--service", "idle");
        await EcsTestKit.WaitForAsync(() => cli.JsonAsync("ecs", "list-services", "--cluster", "crud"), l => l["serviceArns"]!.AsArray().Count == 0,
            TimeSpan.FromSeconds(10), "the service to go away");
        await EcsTestKit.WaitForAsync(async () => (await cli.RunAsync("ecs", "delete-cluster", "--cluster", "crud")).ExitCode, c => c == 0,
            TimeSpan.FromSeconds(10), "the cluster to be deletable");

        Assert.Equal("[{\"key\":\"tier\",\"value\":\"front\"}]", tags["tags"]!.ToJsonString());
        Assert.Equal("[{\"key\":\"team\",\"value\":\"web\"}]", clusterTags["tags"]!.ToJsonString());
        Assert.Equal(serviceArn, listed["serviceArns"]![0]!.GetValue<string>());
        Assert.Contains(clusterArn, clusters["clusterArns"]!.AsArray().Select(a => a!.GetValue<string>()));
        var service = described["services"]![0]!;
        Assert.Equal(50, service["deploymentConfiguration"]!["minimumHealthyPercent"]!.GetValue<int>());
        Assert.False(service["deploymentConfiguration"]!["deploymentCircuitBreaker"]!["rollback"]!.GetValue<bool>());
        Assert.Equal("MISSING", described["failures"]![0]!["reason"]!.GetValue<string>());
        Assert.Contains("(service idle) has reached a steady state.", WebService.Events(service.AsObject()));
        Assert.Equal("ClusterContainsServicesException", busy);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Fifty_parallel_describe_services_calls_see_one_consistent_service_while_it_is_updated()
    {
        await using var cloud = await TestCloud.StartAsync();
        var cli = cloud.Cli;
        await cli.JsonAsync("ecs", "create-cluster", "--cluster-name", "busy");
        await WebService.RegisterAsync(cloud, "busy", "127.0.0.1:1/none:v1");
        await cli.JsonAsync("ecs", "create-service", "--cluster", "busy", "--service-name", "busy", "--task-definition", "busy", "--desired-count", "0");
        using var client = new SignedApiClient(cloud.Instance);
        const string target = "AmazonEC2ContainerServiceV20141113.";

        async Task<JsonObject> Call(string operation, string body)
        {
            using var response = await client.JsonAsync(target + operation, body, service: "ecs");
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            return JsonNode.Parse(text)!.AsObject();
        }

        var describe = Enumerable.Range(0, 50).Select(_ => Call("DescribeServices", "{\"cluster\":\"busy\",\"services\":[\"busy\"]}")).ToList();
        var updates = Enumerable.Range(0, 10).Select(_ => Call("UpdateService", "{\"cluster\":\"busy\",\"service\":\"busy\",\"forceNewDeployment\":true}")).ToList();
        var during = await Task.WhenAll(describe);
        await Task.WhenAll(updates);
        await EcsTestKit.WaitForAsync(() => Call("DescribeServices", "{\"cluster\":\"busy\",\"services\":[\"busy\"]}"),
            d => d["services"]![0]!["deployments"]!.AsArray().Count == 1 && d["services"]![0]!["deployments"]![0]!["rolloutState"]!.GetValue<string>() == "COMPLETED",
            TimeSpan.FromSeconds(10), "the forced deployments to settle");
        var settled = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Call("DescribeServices", "{\"cluster\":\"busy\",\"services\":[\"busy\"]}")));

        Assert.All(during, d =>
        {
            var service = d["services"]![0]!;
            Assert.Equal("busy", service["serviceName"]!.GetValue<string>());
            Assert.Single(service["deployments"]!.AsArray(), x => x!["status"]!.GetValue<string>() == "PRIMARY");
        });
        Assert.Single(settled.Select(d => d.ToJsonString()).Distinct());
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Ecs_mistakes_get_the_same_error_codes_as_moto()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var moto = await MotoServer.StartAsync();
        var definition = WebService.TaskDefinitionJson("mistakes", "127.0.0.1:1/none:v1");
        foreach (var cli in new[] { cloud.Cli, moto.Cli })
        {
            await cli.JsonAsync("ecs", "create-cluster", "--cluster-name", "real");
            await cli.JsonAsync("ecs", "register-task-definition", "--cli-input-json", definition);
            await cli.JsonAsync("ecs", "deregister-task-definition", "--task-definition", "mistakes:1");
        }

        string[][] mistakes =
        [
            ["ecs", "describe-services", "--cluster", "missing", "--services", "web"],
            ["ecs", "create-service", "--cluster", "missing", "--service-name", "web", "--task-definition", "mistakes:1", "--desired-count", "0"],
            ["ecs", "list-services", "--cluster", "missing"],
            ["ecs", "list-tasks", "--cluster", "missing"],
            ["ecs", "delete-cluster", "--cluster", "missing"],
            ["ecs", "update-service", "--cluster", "real", "--service", "missing", "--desired-count", "1"],
            ["ecs", "delete-service", "--cluster", "real", "--service", "missing"],
            ["ecs", "describe-task-definition", "--task-definition", "mistakes:7"],
            ["ecs", "describe-task-definition", "--task-definition", "nothing"],
            ["ecs", "deregister-task-definition", "--task-definition", "mistakes"],
            ["ecs", "deregister-task-definition", "--task-definition", "nothing:1"],
        ];
        foreach (var mistake in mistakes)
        {
            var expected = await moto.Cli.ErrorCodeAsync(mistake);
            var actual = await cloud.Cli.ErrorCodeAsync(mistake);
            Assert.True(expected == actual, $"{string.Join(' ', mistake)}: moto {expected}, local cloud {actual}");
        }

        var motoInactive = await moto.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", "mistakes:1");
        var localInactive = await cloud.Cli.JsonAsync("ecs", "describe-task-definition", "--task-definition", "mistakes:1");
        Assert.Equal(motoInactive["taskDefinition"]!["status"]!.GetValue<string>(), localInactive["taskDefinition"]!["status"]!.GetValue<string>());
        cloud.AssertResponsesMatchBotocore();
    }
}
