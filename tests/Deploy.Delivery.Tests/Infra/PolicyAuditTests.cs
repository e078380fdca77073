using System.Text.Json.Nodes;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>Audits every IAM statement of the rendered template, whatever role it is in.</summary>
public sealed class PolicyAuditTests
{
    /// <summary>
    /// The only actions allowed on <c>"Resource": "*"</c>: the Service Authorization Reference lists no resource type for
    /// them (also checked against cfn-lint's copy of it, data/AdditionalSpecs/Policies.json), so they cannot be scoped.
    /// </summary>
    private static readonly Dictionary<string, string> AllowedOnEveryResource = new(StringComparer.Ordinal)
    {
        // The registry login token is account-wide; ECR defines no resource for it. Task execution role and build role.
        ["ecr:GetAuthorizationToken"] = "registry login token; ECR has no resource type for it",
        // The ECS deploy action reads the service's current task definition to derive a new revision; no resource type.
        ["ecs:DescribeTaskDefinition"] = "read-only, ECS defines no resource type for it",
    };

    /// <summary>
    /// The one statement allowed to grant a wildcard of actions: AWS's default key policy statement on the notification key,
    /// which lets the account administer the key through its IAM policies (without it nobody could manage or delete the key).
    /// </summary>
    private const string KeyAdministration = "/Resources/NotificationKey/Properties/KeyPolicy/Statement/0";

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void No_statement_grants_every_action_or_a_wildcard_of_actions(string variant)
    {
        var template = Templates.Parsed(variant);
        var offending = Statements(template)
            .Where(s => s.Where != KeyAdministration)
            .SelectMany(s => Actions(s.Statement).Select(a => (s.Where, Action: a)))
            .Where(x => x.Action.Contains('*', StringComparison.Ordinal))
            .ToList();

        Assert.Empty(offending);
        var administration = Statements(template).Single(s => s.Where == KeyAdministration).Statement;
        Assert.Equal("{\"AWS\":{\"Fn::Sub\":\"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\"}}", administration["Principal"]!.ToJsonString());
        Assert.Equal(["kms:*"], Actions(administration));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Statements_allow_only_and_never_use_not_action_or_not_resource(string variant)
    {
        foreach (var (where, statement) in Statements(Templates.Parsed(variant)))
        {
            Assert.True((string?)statement["Effect"] == "Allow", where);
            Assert.False(statement.ContainsKey("NotAction"), where);
            Assert.False(statement.ContainsKey("NotResource"), where);
            Assert.False(statement.ContainsKey("NotPrincipal"), where);
        }
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Resource_star_is_used_only_for_the_listed_actions_aws_cannot_scope(string variant)
    {
        // In a key policy "*" is the key itself, the only resource a key policy can name.
        var onEveryResource = Statements(Templates.Parsed(variant))
            .Where(s => !s.Where.Contains("/KeyPolicy/", StringComparison.Ordinal))
            .Where(s => Resources(s.Statement).Any(r => r is JsonValue v && v.ToString() == "*"))
            .SelectMany(s => Actions(s.Statement).Select(a => (s.Where, Action: a)))
            .ToList();

        Assert.All(onEveryResource, x => Assert.True(AllowedOnEveryResource.ContainsKey(x.Action), $"{x.Where}: {x.Action} on \"*\""));
        // The list does not rot: every entry is still needed by the template.
        Assert.Equal(AllowedOnEveryResource.Keys.Order(StringComparer.Ordinal), onEveryResource.Select(x => x.Action).Distinct().Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Every_other_resource_is_one_of_this_stacks_and_wildcards_only_reach_inside_it(string variant)
    {
        var template = Templates.Parsed(variant);
        var logicalIds = template["Resources"]!.AsObject().Select(r => r.Key).ToHashSet(StringComparer.Ordinal);

        foreach (var (where, statement) in Statements(template).Where(s => s.Statement.ContainsKey("Resource")))
        {
            foreach (var resource in Resources(statement).Where(r => r.ToString() != "*"))
            {
                var obj = Assert.IsType<JsonObject>(resource, exactMatch: false);
                var (function, argument) = Assert.Single(obj);
                switch (function)
                {
                    case "Fn::GetAtt":
                        Assert.Contains((string)argument!.AsArray()[0]!, logicalIds);
                        break;
                    case "Ref":
                        Assert.True(logicalIds.Contains((string)argument!) || (string)argument! == "AWS::StackId", $"{where}: Ref {argument}");
                        break;
                    case "Fn::Sub":
                        var text = (string)argument!;
                        // This stack's resources, and the service name it owns (the service and its task definition family).
                        var firstOwn = logicalIds.Append("ServiceName}").Select(id => text.IndexOf("${" + id, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
                        Assert.True(firstOwn >= 0, $"{where}: {text} names none of this stack's resources");
                        var star = text.IndexOf('*', StringComparison.Ordinal);
                        Assert.True(star == -1 || star > firstOwn, $"{where}: {text} has a wildcard before this stack's resource");
                        Assert.StartsWith("arn:${AWS::Partition}:", text.Replace("${ArtifactBucket.Arn}", "arn:${AWS::Partition}:s3:::bucket", StringComparison.Ordinal), StringComparison.Ordinal);
                        break;
                    default:
                        Assert.Fail($"{where}: unexpected resource {resource.ToJsonString()}");
                        break;
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_task_execution_role_pulls_from_this_repository_and_writes_to_this_log_group_only(string variant)
    {
        var statements = RoleStatements(Templates.Parsed(variant), "TaskExecutionRole");

        Assert.Equal(
            [
                "ecr:GetAuthorizationToken -> \"*\"",
                "ecr:BatchCheckLayerAvailability,ecr:BatchGetImage,ecr:GetDownloadUrlForLayer -> {\"Fn::GetAtt\":[\"Repository\",\"Arn\"]}",
                "logs:CreateLogStream,logs:PutLogEvents -> {\"Fn::GetAtt\":[\"ServiceLogGroup\",\"Arn\"]}",
            ],
            statements.Select(Summary));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_task_role_grants_nothing(string variant)
    {
        var role = Templates.Properties(Templates.Parsed(variant), "TaskRole");

        Assert.False(role.ContainsKey("Policies"));
        Assert.False(role.ContainsKey("ManagedPolicyArns"));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_build_role_pushes_to_this_repository_uses_this_bucket_and_its_own_log_group_and_no_codecommit(string variant)
    {
        var statements = RoleStatements(Templates.Parsed(variant), "BuildRole");
        var summaries = statements.Select(Summary).ToList();

        Assert.Contains(summaries, s => s.StartsWith("logs:CreateLogStream,logs:PutLogEvents -> {\"Fn::GetAtt\":[\"BuildLogGroup\",\"Arn\"]}", StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.Contains("ecr:PutImage", StringComparison.Ordinal) && s.EndsWith("{\"Fn::GetAtt\":[\"Repository\",\"Arn\"]}", StringComparison.Ordinal));
        Assert.Contains(summaries, s => s.StartsWith("s3:GetObject,s3:GetObjectVersion,s3:PutObject -> {\"Fn::Sub\":\"${ArtifactBucket.Arn}/*\"}", StringComparison.Ordinal));
        Assert.DoesNotContain(statements.SelectMany(Actions), a => a.StartsWith("codecommit:", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_pipeline_role_reaches_this_source_project_bucket_and_service(string variant)
    {
        var summaries = RoleStatements(Templates.Parsed(variant), "PipelineRole").Select(Summary).ToList();

        Assert.Contains(summaries, s => s.StartsWith("codecommit:", StringComparison.Ordinal) && s.EndsWith("{\"Fn::GetAtt\":[\"SourceRepository\",\"Arn\"]}", StringComparison.Ordinal));
        Assert.Contains("codebuild:BatchGetBuilds,codebuild:StartBuild -> {\"Fn::GetAtt\":[\"BuildProject\",\"Arn\"]}", summaries);
        Assert.Contains("ecs:DescribeServices,ecs:UpdateService -> {\"Fn::Sub\":\"arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/${Cluster}/${ServiceName}\"}", summaries);
        Assert.Contains(
            "ecs:RegisterTaskDefinition,ecs:TagResource -> {\"Fn::Sub\":\"arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:task-definition/${ServiceName}:*\"}",
            summaries);
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_pipeline_may_pass_only_the_two_task_roles_and_only_to_ecs_tasks(string variant)
    {
        var template = Templates.Parsed(variant);
        var passRole = Assert.Single(Statements(template), s => Actions(s.Statement).Contains("iam:PassRole")).Statement;

        Assert.Equal(["iam:PassRole"], Actions(passRole));
        Assert.Equal(
            ["{\"Fn::GetAtt\":[\"TaskExecutionRole\",\"Arn\"]}", "{\"Fn::GetAtt\":[\"TaskRole\",\"Arn\"]}"],
            Resources(passRole).Select(r => r.ToJsonString()));
        Assert.Equal("{\"StringEquals\":{\"iam:PassedToService\":\"ecs-tasks.amazonaws.com\"}}", passRole["Condition"]!.ToJsonString());
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_trigger_role_may_only_start_this_pipeline(string variant)
    {
        var statement = Assert.Single(RoleStatements(Templates.Parsed(variant), "PipelineTriggerRole"));

        Assert.Equal("codepipeline:StartPipelineExecution -> {\"Fn::Sub\":\"arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}\"}", Summary(statement));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Each_role_trusts_one_aws_service_acting_for_this_account(string variant)
    {
        var template = Templates.Parsed(variant);
        var expected = new Dictionary<string, string>
        {
            ["TaskExecutionRole"] = "ecs-tasks.amazonaws.com",
            ["TaskRole"] = "ecs-tasks.amazonaws.com",
            ["BuildRole"] = "codebuild.amazonaws.com",
            ["PipelineRole"] = "codepipeline.amazonaws.com",
            ["PipelineTriggerRole"] = "events.amazonaws.com",
        };
        var roles = template["Resources"]!.AsObject().Where(r => (string?)r.Value!["Type"] == "AWS::IAM::Role" && !GitLabRoles.Contains(r.Key)).Select(r => r.Key);

        Assert.Equal(expected.Keys.Append("ChatbotRole").Where(r => r != "ChatbotRole" || Templates.Settings(variant).HasSlackChannel).Order(StringComparer.Ordinal),
            roles.Order(StringComparer.Ordinal));
        foreach (var (role, service) in expected)
        {
            var trust = Assert.Single(Templates.Properties(template, role)["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!;
            Assert.Equal($"{{\"Service\":\"{service}\"}}", trust["Principal"]!.ToJsonString());
            Assert.Equal("sts:AssumeRole", (string?)trust["Action"]);
            Assert.Equal("{\"StringEquals\":{\"aws:SourceAccount\":{\"Ref\":\"AWS::AccountId\"}}}", trust["Condition"]!.ToJsonString());
        }
    }

    [Fact]
    public void The_chatbot_role_is_trusted_by_chatbot_as_aws_documents_it_grants_nothing_and_its_channel_is_capped_at_read_only()
    {
        var template = Templates.Parsed(nameof(Templates.ExplicitNetworkWithKms));
        var role = Templates.Properties(template, "ChatbotRole");
        var channel = Templates.Properties(template, "SlackChannel");

        // Chatbot's documented trust policy carries no source condition, and one it did not meet would silence the channel.
        Assert.Equal("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"chatbot.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}",
            Assert.Single(role["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!.ToJsonString());
        Assert.False(role.ContainsKey("Policies"));
        Assert.False(role.ContainsKey("ManagedPolicyArns"));
        Assert.Equal("[{\"Fn::Sub\":\"arn:${AWS::Partition}:iam::aws:policy/ReadOnlyAccess\"}]", channel["GuardrailPolicies"]!.ToJsonString());
        Assert.False(channel["UserRoleRequired"]!.GetValue<bool>());
        Assert.Equal("{\"Fn::GetAtt\":[\"ChatbotRole\",\"Arn\"]}", channel["IamRoleArn"]!.ToJsonString());
        Assert.False(Templates.Parsed(nameof(Templates.Default))["Resources"]!.AsObject().ContainsKey("SlackChannel"));
    }

    private static readonly string[] GitLabRoles = ["GitLabMirrorRole", "GitLabReleaseRole"];

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void GitLab_roles_trust_only_the_projects_tokens_of_their_branches_with_aud_and_sub_pinned_and_no_wildcard(string variant)
    {
        var settings = Templates.Settings(variant);
        var template = Templates.Parsed(variant);
        var resources = template["Resources"]!.AsObject();
        if (settings.GitLab is not { } gitLab)
        {
            Assert.DoesNotContain(resources, r => (string?)r.Value!["Type"] == "AWS::IAM::OIDCProvider" || GitLabRoles.Contains(r.Key));
            return;
        }

        var provider = Assert.Single(resources, r => (string?)r.Value!["Type"] == "AWS::IAM::OIDCProvider");
        Assert.Equal(gitLab.Url, (string?)provider.Value!["Properties"]!["Url"]);
        Assert.Equal("[\"sts.amazonaws.com\"]", provider.Value["Properties"]!["ClientIdList"]!.ToJsonString());
        foreach (var (role, branches) in new[] { ("GitLabMirrorRole", gitLab.MirrorBranches), ("GitLabReleaseRole", (IReadOnlyList<string>)[settings.Branch]) })
        {
            var trust = Assert.Single(Templates.Properties(template, role)["AssumeRolePolicyDocument"]!["Statement"]!.AsArray())!.AsObject();
            Assert.Equal("{\"Federated\":{\"Ref\":\"" + provider.Key + "\"}}", trust["Principal"]!.ToJsonString());
            Assert.Equal("sts:AssumeRoleWithWebIdentity", (string?)trust["Action"]);
            var condition = Assert.Single(trust["Condition"]!.AsObject());
            Assert.Equal("StringEquals", condition.Key);
            Assert.Equal([gitLab.HostAndPath + ":aud", gitLab.HostAndPath + ":sub"], condition.Value!.AsObject().Select(k => k.Key));
            Assert.Equal("sts.amazonaws.com", (string?)condition.Value[gitLab.HostAndPath + ":aud"]);
            var subjects = condition.Value[gitLab.HostAndPath + ":sub"] switch
            {
                JsonArray many => many.Select(v => (string)v!).ToList(),
                var one => [(string)one!],
            };
            Assert.Equal(branches.Select(b => $"project_path:{gitLab.ProjectPath}:ref_type:branch:ref:{b}"), subjects);
            Assert.DoesNotContain('*', trust.ToJsonString());
            Assert.DoesNotContain('?', trust.ToJsonString());
        }
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void Only_eventbridge_may_publish_to_the_topic_and_only_for_the_rules_that_target_it(string variant)
    {
        var template = Templates.Parsed(variant);
        var policy = Templates.Properties(template, "NotificationTopicPolicy");
        var statement = Assert.Single(policy["PolicyDocument"]!["Statement"]!.AsArray())!.AsObject();
        var targeting = template["Resources"]!.AsObject()
            .Where(r => (string?)r.Value!["Type"] == "AWS::Events::Rule"
                        && r.Value["Properties"]!["Targets"]!.AsArray().Any(t => t!["Arn"]!.ToJsonString() == "{\"Ref\":\"NotificationTopic\"}"))
            .Select(r => $"{{\"Fn::GetAtt\":[\"{r.Key}\",\"Arn\"]}}");

        Assert.Equal("[{\"Ref\":\"NotificationTopic\"}]", policy["Topics"]!.ToJsonString());
        Assert.Equal("{\"Service\":\"events.amazonaws.com\"}", statement["Principal"]!.ToJsonString());
        Assert.Equal(["sns:Publish"], Actions(statement));
        Assert.Equal("{\"Ref\":\"NotificationTopic\"}", statement["Resource"]!.ToJsonString());
        Assert.Equal(targeting.Order(StringComparer.Ordinal),
            statement["Condition"]!["ArnEquals"]!["aws:SourceArn"]!.AsArray().Select(a => a!.ToJsonString()).Order(StringComparer.Ordinal));
        Assert.Equal(3, targeting.Count());
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_mirror_role_pushes_to_and_reads_the_pipelines_repository_and_reads_the_stack_only(string variant)
    {
        if (Templates.Settings(variant).GitLab is null)
        {
            return;
        }

        Assert.Equal(
            [
                "codecommit:GitPush -> {\"Fn::GetAtt\":[\"SourceRepository\",\"Arn\"]}",
                "cloudformation:DescribeStacks -> {\"Ref\":\"AWS::StackId\"}",
            ],
            RoleStatements(Templates.Parsed(variant), "GitLabMirrorRole").Select(Summary));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_topics_key_is_customer_managed_and_lets_eventbridge_only_encrypt_for_the_topic(string variant)
    {
        var template = Templates.Parsed(variant);
        var statements = Templates.Properties(template, "NotificationKey")["KeyPolicy"]!["Statement"]!.AsArray().Select(s => s!.AsObject()).ToList();

        Assert.Equal("{\"Ref\":\"NotificationKey\"}", Templates.Properties(template, "NotificationTopic")["KmsMasterKeyId"]!.ToJsonString());
        Assert.True(Templates.Properties(template, "NotificationKey")["EnableKeyRotation"]!.GetValue<bool>());
        Assert.Equal(2, statements.Count);
        Assert.Equal("{\"Service\":\"events.amazonaws.com\"}", statements[1]["Principal"]!.ToJsonString());
        Assert.Equal(["kms:Decrypt", "kms:GenerateDataKey"], Actions(statements[1]));
    }

    [Theory]
    [MemberData(nameof(Templates.Variants), MemberType = typeof(Templates))]
    public void The_release_role_also_reads_the_pipeline_the_builds_their_logs_and_the_rollout_and_changes_nothing_but_the_repository(string variant)
    {
        if (Templates.Settings(variant).GitLab is null)
        {
            return;
        }

        var statements = RoleStatements(Templates.Parsed(variant), "GitLabReleaseRole");
        var summaries = statements.Select(Summary).ToList();
        var actions = statements.SelectMany(Actions).ToList();

        Assert.Contains("codepipeline:GetPipeline,codepipeline:GetPipelineExecution,codepipeline:GetPipelineState,codepipeline:ListActionExecutions,codepipeline:ListPipelineExecutions -> "
            + "{\"Fn::Sub\":\"arn:${AWS::Partition}:codepipeline:${AWS::Region}:${AWS::AccountId}:${Pipeline}\"}", summaries);
        Assert.Contains("codecommit:GetBranch -> {\"Fn::GetAtt\":[\"SourceRepository\",\"Arn\"]}", summaries);
        Assert.Contains("codebuild:BatchGetBuilds -> {\"Fn::GetAtt\":[\"BuildProject\",\"Arn\"]}", summaries);
        Assert.Contains("logs:GetLogEvents -> [{\"Fn::GetAtt\":[\"BuildLogGroup\",\"Arn\"]},{\"Fn::GetAtt\":[\"ServiceLogGroup\",\"Arn\"]}]", summaries);
        Assert.Contains("ecs:DescribeServices -> {\"Fn::Sub\":\"arn:${AWS::Partition}:ecs:${AWS::Region}:${AWS::AccountId}:service/${Cluster}/${ServiceName}\"}", summaries);
        // Everything but the push is a read: no Create/Update/Delete/Put/Start/Stop/Register anywhere.
        Assert.All(actions.Where(a => a != "codecommit:GitPush"), a => Assert.Matches(@":(Get|List|Describe|BatchGet|GitPull)", a));
    }

    /// <summary>Every statement anywhere in the template (trust policies included), with where it is.</summary>
    private static List<(string Where, JsonObject Statement)> Statements(JsonNode node, string where = "")
    {
        var found = new List<(string, JsonObject)>();
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "Statement" && value is JsonArray statements)
                    {
                        found.AddRange(statements.Select((s, i) => ($"{where}/Statement/{i}", s!.AsObject())));
                    }
                    else if (value is not null)
                    {
                        found.AddRange(Statements(value, $"{where}/{key}"));
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    found.AddRange(Statements(array[i]!, $"{where}/{i}"));
                }

                break;
        }

        return found;
    }

    private static List<JsonObject> RoleStatements(JsonObject template, string role) =>
        [.. Templates.Properties(template, role)["Policies"]!.AsArray()
            .SelectMany(p => p!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))];

    private static List<string> Actions(JsonObject statement) => statement["Action"] switch
    {
        JsonArray array => [.. array.Select(a => (string)a!)],
        JsonValue value => [(string)value!],
        _ => [],
    };

    private static List<JsonNode> Resources(JsonObject statement) => statement["Resource"] switch
    {
        JsonArray array => [.. array.Select(r => r!)],
        JsonNode single => [single],
        _ => [],
    };

    private static string Summary(JsonObject statement) =>
        $"{string.Join(',', Actions(statement))} -> {statement["Resource"]!.ToJsonString()}";
}
