using Deploy.Delivery.Fargate;

namespace Deploy.Delivery.Tests.Fargate;

public sealed class RolloutDecisionTests
{
    public static TheoryData<string, int> Steps()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in RolloutFixture.Names)
        {
            for (var i = 0; i < RolloutFixture.Load(name).Steps.Count; i++)
            {
                data.Add(name, i);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public void Each_recorded_DescribeServices_response_gets_the_expected_verdict(string fixture, int step)
    {
        var recorded = RolloutFixture.Load(fixture);
        var expected = recorded.Steps[step];

        var verdict = RolloutDecision.Evaluate(expected.Parsed, recorded.Target);

        Assert.True(expected.Expect == verdict.State, $"{fixture} step {step} ({recorded.Description}): expected {expected.Expect}, got {verdict.State}: {verdict.Summary}");
        Assert.Contains(expected.Summary, verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixtures_cover_success_waiting_rollback_replacement_and_a_missing_service()
    {
        var names = RolloutFixture.Names.ToList();

        Assert.Contains("completed", names);
        Assert.Contains("in-progress", names);
        Assert.Contains("rolled-back-primary-is-old-revision", names);
        Assert.Contains("rolled-back-single-failed-deployment", names);
        Assert.Contains("rolled-back-old-revision-primary-ours-active", names);
        Assert.Contains("replaced-by-newer-deployment", names);
        Assert.Contains("service-missing", names);
    }

    [Fact]
    public void One_deployment_with_running_equal_to_desired_is_not_success_when_it_runs_the_old_revision()
    {
        // What `aws ecs wait services-stable` accepts after a circuit-breaker rollback.
        var last = RolloutFixture.Load("rolled-back-primary-is-old-revision").Steps[^1].Parsed;
        var service = Assert.Single(last.Services!);
        var only = Assert.Single(service.Deployments!);
        Assert.Equal((2, 2, "COMPLETED"), (only.RunningCount, only.DesiredCount, only.RolloutState));

        var verdict = RolloutDecision.Evaluate(last, new RolloutTarget("ecs-svc/2222", "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:2"));

        Assert.Equal(RolloutState.Failed, verdict.State);
    }

    [Fact]
    public void A_rollback_that_finished_between_two_polls_still_reports_why_from_the_service_events()
    {
        var last = RolloutFixture.Load("rolled-back-primary-is-old-revision").Steps[^1].Parsed;

        var verdict = RolloutDecision.Evaluate(last, new RolloutTarget("ecs-svc/2222", "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:2"));

        Assert.Contains("service event: (service sample-service) deployment ecs-svc/2222 deployment failed: tasks failed to start", verdict.Summary, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("rolled-back-primary-is-old-revision", 1, "sample-service:1")]
    [InlineData("rolled-back-primary-is-old-revision", 2, "sample-service:1")]
    [InlineData("rolled-back-old-revision-primary-ours-active", 0, "sample-service:1")]
    [InlineData("rolled-back-single-failed-deployment", 0, null)]
    [InlineData("replaced-by-newer-deployment", 0, null)]
    [InlineData("service-missing", 0, null)]
    public void A_failure_names_the_revision_the_circuit_breaker_rolled_back_to_and_a_replacement_is_no_rollback(string fixture, int step, string? rolledBackTo)
    {
        var recorded = RolloutFixture.Load(fixture);

        var verdict = RolloutDecision.Evaluate(recorded.Steps[step].Parsed, recorded.Target);

        Assert.Equal((RolloutState.Failed, rolledBackTo), (verdict.State, verdict.RolledBackTo));
    }

    [Fact]
    public void Without_a_deployment_id_our_deployment_is_the_one_running_our_task_definition()
    {
        var completed = RolloutFixture.Load("completed").Steps[^1].Parsed;

        Assert.Equal(RolloutState.Succeeded, RolloutDecision.Evaluate(completed, new RolloutTarget(null, "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:2")).State);
        Assert.Equal(RolloutState.Failed, RolloutDecision.Evaluate(completed, new RolloutTarget(null, "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:9")).State);
    }

    [Fact]
    public void A_deployment_id_that_does_not_match_fails_even_when_the_task_definition_does()
    {
        var completed = RolloutFixture.Load("completed").Steps[^1].Parsed;

        var verdict = RolloutDecision.Evaluate(completed, new RolloutTarget("ecs-svc/other", "arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:2"));

        Assert.Equal(RolloutState.Failed, verdict.State);
        Assert.Contains("replaced by deployment ecs-svc/2222", verdict.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Revision_is_family_colon_revision_of_an_arn()
    {
        Assert.Equal("sample-service:7", RolloutDecision.Revision("arn:aws:ecs:us-east-1:123456789012:task-definition/sample-service:7"));
        Assert.Equal("(none)", RolloutDecision.Revision(null));
    }
}
