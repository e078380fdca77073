using System.Net;
using System.Reflection;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Core;

/// <summary>Every client method that needs a request refuses null with an <see cref="ArgumentNullException"/> naming
/// <c>request</c>, before anything is sent (JSON clients through <c>JsonCalls</c>, query clients through <c>QueryRequest.For</c>).</summary>
public sealed class NullRequestTests
{
    public static TheoryData<Type, string> RequiredRequestMethods()
    {
        var data = new TheoryData<Type, string>();
        var clients = typeof(AwsSession).Assembly.GetExportedTypes()
            .Where(t => t.Name.EndsWith("Client", StringComparison.Ordinal) && t.GetConstructor([typeof(AwsSession)]) is not null)
            .OrderBy(t => t.Name, StringComparer.Ordinal);
        foreach (var client in clients)
        {
            foreach (var method in client.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(TakesRequiredRequest))
            {
                data.Add(client, method.Name);
            }
        }

        return data;
    }

    [Fact]
    public void Every_client_is_covered()
    {
        var covered = RequiredRequestMethods().Select(row => (Type)row[0]).Distinct().Select(t => t.Name).Order(StringComparer.Ordinal);

        Assert.Equal(
            ["CloudFormationClient", "CodeBuildClient", "CodeCommitClient", "CodePipelineClient", "EcrClient", "EcsClient", "IamClient", "LogsClient", "StsClient"],
            covered);
    }

    [Theory]
    [MemberData(nameof(RequiredRequestMethods))]
    public async Task A_null_request_is_refused_before_anything_is_sent(Type client, string method)
    {
        using var handler = new RecordingHandler(_ => RecordingHandler.Response(HttpStatusCode.OK, "{}"));
        using var session = TestSessions.With(handler);
        var instance = Activator.CreateInstance(client, session);
        var target = client.GetMethods().Single(m => m.Name == method && TakesRequiredRequest(m));

        var error = await Assert.ThrowsAsync<ArgumentNullException>(
            () => (Task)target.Invoke(instance, BindingFlags.DoNotWrapExceptions, null, [null, CancellationToken.None], null)!);

        Assert.Equal("request", error.ParamName);
        Assert.Empty(handler.Requests);
    }

    private static bool TakesRequiredRequest(MethodInfo method) =>
        typeof(Task).IsAssignableFrom(method.ReturnType)
        && method.GetParameters() is [{ Name: "request", IsOptional: false }, var last]
        && last.ParameterType == typeof(CancellationToken);
}
