using Deploy.Aws.CloudFormation;
using Deploy.Delivery.Infra;

namespace Deploy.Delivery.Tests.Infra;

public sealed class ChangePlanTableTests
{
    private static Change Resource(string action, string id, string type, string? replacement = null) =>
        new("Resource", null, new ResourceChange { Action = action, LogicalResourceId = id, ResourceType = type, Replacement = replacement });

    [Fact]
    public void The_plan_is_a_header_and_one_aligned_row_per_change_in_cloudformations_order()
    {
        var lines = ChangePlanTable.Format(
        [
            Resource("Add", "Repository", "AWS::ECR::Repository"),
            Resource("Modify", "ServiceLogGroup", "AWS::Logs::LogGroup", "False"),
            Resource("Remove", "Old", "AWS::S3::Bucket"),
        ]);

        Assert.Equal(
            [
                "Action  LogicalId        Type                  Replacement",
                "Add     Repository       AWS::ECR::Repository  -",
                "Modify  ServiceLogGroup  AWS::Logs::LogGroup   False",
                "Remove  Old              AWS::S3::Bucket       -",
            ],
            lines);
    }

    [Fact]
    public void A_replacement_is_shown_as_cloudformation_reports_it()
    {
        var lines = ChangePlanTable.Format([Resource("Modify", "Repository", "AWS::ECR::Repository", "True"), Resource("Modify", "Cluster", "AWS::ECS::Cluster", "Conditional")]);

        Assert.EndsWith("True", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("Conditional", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_plan_is_the_header_alone_and_the_summary_counts_zero()
    {
        Assert.Equal(["Action  LogicalId  Type  Replacement"], ChangePlanTable.Format([]));
        Assert.Equal("0 to add, 0 to modify, 0 to remove", ChangePlanTable.Summary([]));
    }

    [Fact]
    public void The_summary_counts_each_action()
    {
        var summary = ChangePlanTable.Summary(
        [
            Resource("Add", "A", "T"), Resource("Add", "B", "T"), Resource("Modify", "C", "T", "False"), Resource("Remove", "D", "T"),
        ]);

        Assert.Equal("2 to add, 1 to modify, 1 to remove", summary);
    }
}
