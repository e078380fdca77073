using System.Text.Json.Nodes;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Iam.Policies;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// The mutation analysis on a small synthetic run: decisions recorded by the real authorizer into the real trail, then
/// each statement removed in turn. What a statement is needed for is the first recorded call that fails without it.
/// </summary>
public sealed class StatementNecessityTests : IDisposable
{
    private const string Account = "000000000000";
    private const string PipelineRole = $"arn:aws:iam::{Account}:role/PipelineRole";
    private const string Service = $"arn:aws:ecs:us-east-1:{Account}:service/app/web";
    private readonly TempDirectory state = new();

    [Fact]
    public void Each_statement_is_named_by_the_first_recorded_call_that_fails_without_it_and_unused_ones_by_none()
    {
        var options = new LocalCloudOptions { StateDirectory = state.Path };
        var iam = new IamStore(options, TimeProvider.System);
        var authorizer = new CallerAuthorizer(iam, new AuthorizationTrail(options, TimeProvider.System));
        iam.CreateRole("PipelineRole", "/", "{}", null, null);
        iam.CreateRole("Unused", "/", "{}", null, null);
        iam.Update(s =>
        {
            s.Roles["PipelineRole"].InlinePolicies["deploy"] = Policy(
                Allow("RollTheService", "ecs:UpdateService", Service),
                Allow("ReadArtifacts", "s3:GetObject", "arn:aws:s3:::artifacts/*"),
                Allow("WriteLogs", "logs:PutLogEvents", "*"),
                Allow("ReadAnyObject", "s3:GetObject", "*"));
            s.Roles["PipelineRole"].InlinePolicies["passing"] = Policy(
                Allow("PassTheTaskRole", "iam:PassRole", $"arn:aws:iam::{Account}:role/Task", """{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}"""));
            s.Roles["Unused"].InlinePolicies["all"] = Policy(Allow("Everything", "ecs:*", "*"));
            return true;
        });
        var session = CallerIdentity.For(
            new TemporaryCredentials("ASIAEXAMPLE", "secret", "token", DateTimeOffset.UtcNow.AddHours(1), PipelineRole, "AROAEXAMPLE", "run"), Account);

        authorizer.Authorize(session, "s3:GetObject", "arn:aws:s3:::artifacts/source.zip");
        authorizer.Authorize(session, "ecs:UpdateService", Service);
        authorizer.Authorize(session, "ecs:UpdateService", Service); // repeated: counted once
        authorizer.Authorize(session, "iam:PassRole", $"arn:aws:iam::{Account}:role/Task", [KeyValuePair.Create("iam:PassedToService", "ecs-tasks.amazonaws.com")]);
        authorizer.Authorize(session, "ecs:DeleteService", Service); // denied: not a call the run could make

        var verdicts = StatementNecessity.AnalyzeStateDirectory(state.Path).ToDictionary(v => v.Statement.ToString(), v => v.FirstFailingCall?.ToString());

        Assert.Equal(new Dictionary<string, string?>
        {
            ["PipelineRole/deploy/RollTheService"] = $"ecs:UpdateService on {Service}",
            // Either of the two read statements allows the read, so neither alone is needed (a redundancy to remove).
            ["PipelineRole/deploy/ReadArtifacts"] = null,
            ["PipelineRole/deploy/WriteLogs"] = null,
            ["PipelineRole/deploy/ReadAnyObject"] = null,
            ["PipelineRole/passing/PassTheTaskRole"] = $"iam:PassRole on arn:aws:iam::{Account}:role/Task",
            ["Unused/all/Everything"] = null,
        }, verdicts);
    }

    [Fact]
    public void A_statement_without_a_sid_is_named_by_its_position_and_counts_every_distinct_call_it_alone_allows()
    {
        var trail = Path.Combine(state.Path, AuthorizationTrail.FileName);
        var recorder = new AuthorizationTrail(new LocalCloudOptions { StateDirectory = state.Path }, TimeProvider.System);
        foreach (var resource in new[] { "arn:aws:s3:::a/1", "arn:aws:s3:::a/2", "arn:aws:s3:::a/1" })
        {
            recorder.Record(PipelineRole, new AccessRequest($"arn:aws:sts::{Account}:assumed-role/PipelineRole/run", "s3:PutObject", resource), new AccessDecision(PolicyDecision.Allow));
        }

        var roles = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [PipelineRole] = new Dictionary<string, string> { ["p"] = Policy(Allow(null, "s3:PutObject", "arn:aws:s3:::a/*")) },
        };

        var verdict = Assert.Single(StatementNecessity.Analyze(roles, trail));

        Assert.Equal("PipelineRole/p/#0", verdict.Statement.ToString());
        Assert.Equal(("s3:PutObject on arn:aws:s3:::a/1", 2), (verdict.FirstFailingCall?.ToString(), verdict.FailingCalls));
        Assert.Equal(
            "| statement | first call that fails without it | calls failing |\n|---|---|---|\n| PipelineRole/p/#0 | `s3:PutObject on arn:aws:s3:::a/1` | 2 |\n"
            + "1 of 1 statements needed; 0 needed by no recorded call.\n",
            StatementNecessity.Table([verdict]));
    }

    [Fact]
    public void Narrowing_a_statement_names_each_action_and_resource_by_the_call_that_fails_without_it()
    {
        var trail = Path.Combine(state.Path, AuthorizationTrail.FileName);
        var recorder = new AuthorizationTrail(new LocalCloudOptions { StateDirectory = state.Path }, TimeProvider.System);
        var principal = $"arn:aws:sts::{Account}:assumed-role/PipelineRole/run";
        recorder.Record(PipelineRole, new AccessRequest(principal, "ecs:UpdateService", Service), new AccessDecision(PolicyDecision.Allow));
        recorder.Record(PipelineRole, new AccessRequest(principal, "logs:GetLogEvents", "arn:aws:logs:us-east-1:000000000000:log-group:build:log-stream:1"), new AccessDecision(PolicyDecision.Allow));
        var roll = new JsonObject
        {
            ["Sid"] = "RollTheService",
            ["Effect"] = "Allow",
            ["Action"] = new JsonArray("ecs:DescribeServices", "ecs:UpdateService"),
            ["Resource"] = Service,
        };
        var logs = new JsonObject
        {
            ["Sid"] = "ReadLogs",
            ["Effect"] = "Allow",
            ["Action"] = "logs:GetLogEvents",
            ["Resource"] = new JsonArray("arn:aws:logs:us-east-1:000000000000:log-group:build:*", "arn:aws:logs:us-east-1:000000000000:log-group:service:*"),
        };
        var roles = new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            [PipelineRole] = new Dictionary<string, string> { ["p"] = Policy(roll, logs), ["single"] = Policy(Allow("One", "s3:GetObject", "*")) },
        };

        var verdicts = StatementNecessity.AnalyzeElements(roles, trail).Select(v => (v.Statement.ToString(), v.Element, v.Value, v.FirstFailingCall?.ToString())).ToList();

        // Statements of one action and one resource have nothing to narrow: the statement-level analysis covers them.
        Assert.Equal(
        [
            ("PipelineRole/p/RollTheService", "Action", "ecs:DescribeServices", null),
            ("PipelineRole/p/RollTheService", "Action", "ecs:UpdateService", $"ecs:UpdateService on {Service}"),
            ("PipelineRole/p/ReadLogs", "Resource", "arn:aws:logs:us-east-1:000000000000:log-group:build:*",
                "logs:GetLogEvents on arn:aws:logs:us-east-1:000000000000:log-group:build:log-stream:1"),
            ("PipelineRole/p/ReadLogs", "Resource", "arn:aws:logs:us-east-1:000000000000:log-group:service:*", null),
        ], verdicts);
        Assert.EndsWith("2 of 4 actions and resources of multi-valued statements needed; 2 needed by no recorded call.\n",
            StatementNecessity.ElementTable(StatementNecessity.AnalyzeElements(roles, trail)), StringComparison.Ordinal);
    }

    public void Dispose() => state.Dispose();

    private static string Policy(params JsonObject[] statements) =>
        new JsonObject { ["Version"] = "2012-10-17", ["Statement"] = new JsonArray([.. statements]) }.ToJsonString();

    private static JsonObject Allow(string? sid, string action, string resource, string? condition = null)
    {
        var statement = new JsonObject { ["Effect"] = "Allow", ["Action"] = action, ["Resource"] = resource };
        if (sid is not null)
        {
            statement["Sid"] = sid;
        }

        if (condition is not null)
        {
            statement["Condition"] = JsonNode.Parse(condition);
        }

        return statement;
    }
}
