using System.Text.Json.Nodes;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>
/// The part of the platform that moto's CloudFormation supports (ECR, Logs, IAM, S3) deploys to moto and to the local
/// cloud with the same final statuses and the same outputs (account ids and the registry address normalized).
/// </summary>
public sealed class CloudFormationMotoDeployParityTests
{
    private const string Template = """
        {
          "Parameters": {"ServiceName": {"Type": "String", "Default": "parity-service"}},
          "Resources": {
            "Repository": {"Type": "AWS::ECR::Repository", "Properties": {
              "RepositoryName": {"Ref": "ServiceName"}, "ImageTagMutability": "IMMUTABLE",
              "ImageScanningConfiguration": {"ScanOnPush": true}}},
            "LogGroup": {"Type": "AWS::Logs::LogGroup", "Properties": {"LogGroupName": {"Fn::Sub": "/ecs/${ServiceName}"}, "RetentionInDays": 30}},
            "Role": {"Type": "AWS::IAM::Role", "Properties": {
              "RoleName": {"Fn::Sub": "${ServiceName}-task"},
              "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
              "Policies": [{"PolicyName": "pull", "PolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["ecr:BatchGetImage"], "Resource": {"Fn::GetAtt": ["Repository", "Arn"]}}]}}]}},
            "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
              "BucketName": {"Fn::Sub": "${ServiceName}-artifacts"},
              "VersioningConfiguration": {"Status": "Enabled"},
              "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "BlockPublicPolicy": true, "IgnorePublicAcls": true, "RestrictPublicBuckets": true}}}
          },
          "Outputs": {
            "RepositoryName": {"Value": {"Ref": "Repository"}},
            "RepositoryArn": {"Value": {"Fn::GetAtt": ["Repository", "Arn"]}},
            "LogGroupName": {"Value": {"Ref": "LogGroup"}},
            "RoleName": {"Value": {"Ref": "Role"}},
            "RoleArn": {"Value": {"Fn::GetAtt": ["Role", "Arn"]}},
            "BucketName": {"Value": {"Ref": "Bucket"}},
            "BucketArn": {"Value": {"Fn::GetAtt": ["Bucket", "Arn"]}, "Export": {"Name": {"Fn::Sub": "${AWS::StackName}-BucketArn"}}}
          }
        }
        """;

    [Fact]
    public async Task The_ecr_logs_iam_and_s3_part_of_the_platform_deploys_to_moto_and_locally_with_the_same_outputs_and_statuses()
    {
        await using var moto = await MotoServer.StartAsync();
        await using var cloud = await TestCloud.StartAsync();

        var expected = await DeployAndDescribeAsync(moto.Cli, "123456789012");
        var actual = await DeployAndDescribeAsync(cloud.Cli, "000000000000");

        Assert.Equal(expected, actual);
        cloud.AssertResponsesMatchBotocore();
    }

    private static async Task<string> DeployAndDescribeAsync(AwsCli cli, string account)
    {
        await cli.JsonAsync("cloudformation", "create-stack", "--stack-name", "parity", "--template-body", Template, "--capabilities", "CAPABILITY_NAMED_IAM");
        await cli.JsonAsync("cloudformation", "wait", "stack-create-complete", "--stack-name", "parity");
        var stack = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", "parity"))["Stacks"]![0]!;
        var outputs = stack["Outputs"]!.AsArray()
            .OrderBy(o => o!["OutputKey"]!.GetValue<string>(), StringComparer.Ordinal)
            .Select(o => $"{o!["OutputKey"]}={o["OutputValue"]}{(o["ExportName"] is { } export ? " export " + export : string.Empty)}");
        var retention = (await cli.JsonAsync("logs", "describe-log-groups", "--log-group-name-prefix", "/ecs/parity-service"))["logGroups"]![0]!["retentionInDays"];
        var mutability = (await cli.JsonAsync("ecr", "describe-repositories", "--repository-names", "parity-service"))["repositories"]![0]!["imageTagMutability"];
        await cli.JsonAsync("iam", "get-role-policy", "--role-name", "parity-service-task", "--policy-name", "pull");
        await cli.JsonAsync("s3api", "head-bucket", "--bucket", "parity-service-artifacts");
        await cli.JsonAsync("cloudformation", "delete-stack", "--stack-name", "parity");
        await cli.JsonAsync("cloudformation", "wait", "stack-delete-complete", "--stack-name", "parity");
        var deleted = (await cli.JsonAsync("cloudformation", "describe-stacks", "--stack-name", stack["StackId"]!.GetValue<string>()))["Stacks"]![0]!["StackStatus"];
        var summary = string.Join('\n', [$"status={stack["StackStatus"]}", .. outputs, $"retention={retention}", $"mutability={mutability}", $"after delete={deleted}"]);
        return summary.Replace(account, "<account>", StringComparison.Ordinal);
    }
}
