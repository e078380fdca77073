using System.Reflection;
using Deploy.Aws.CloudFormation;
using Deploy.Aws.Iam;
using Deploy.Aws.Sts;

namespace Deploy.Aws.Tests.Support;

/// <summary>The query clients have one async method per operation issue 3 asks for, and each operation is in the model.</summary>
public sealed class OperationCoverageTests
{
    public static TheoryData<Type, string, string> QueryOperations()
    {
        var data = new TheoryData<Type, string, string>();
        foreach (var op in new[]
                 {
                     "CreateStack", "UpdateStack", "DeleteStack", "DescribeStacks", "DescribeStackEvents", "DescribeStackResources",
                     "CreateChangeSet", "DescribeChangeSet", "ExecuteChangeSet", "DeleteChangeSet", "GetTemplate", "ValidateTemplate",
                 })
        {
            data.Add(typeof(CloudFormationClient), "cloudformation", op);
        }

        foreach (var op in new[] { "CreateRole", "GetRole", "DeleteRole", "PutRolePolicy", "DeleteRolePolicy", "AttachRolePolicy" })
        {
            data.Add(typeof(IamClient), "iam", op);
        }

        data.Add(typeof(StsClient), "sts", "GetCallerIdentity");
        data.Add(typeof(StsClient), "sts", "AssumeRoleWithWebIdentity");
        return data;
    }

    [Theory]
    [MemberData(nameof(QueryOperations))]
    public void Client_has_a_method_for_the_model_operation(Type client, string service, string operation)
    {
        Assert.True(BotocoreModels.Load(service).HasOperation(operation));
        var method = client.GetMethod(operation + "Async", BindingFlags.Public | BindingFlags.Instance);
        Assert.NotNull(method);
        Assert.True(typeof(Task).IsAssignableFrom(method.ReturnType));
        Assert.Equal(typeof(CancellationToken), method.GetParameters()[^1].ParameterType);
    }
}
