using Deploy.Aws.CodeCommit;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CodeCommit;

public sealed class CodeCommitModelConformanceTests
{
    private const string Service = "codecommit";

    private static readonly Dictionary<string, Func<CodeCommitClient, Task<object?>>> Calls = new()
    {
        ["CreateRepository"] = async c => await c.CreateRepositoryAsync(new CreateRepositoryRequest
        {
            RepositoryName = "app",
            RepositoryDescription = "Mirror of gitlab.example.com/team/app",
            Tags = new Dictionary<string, string> { ["mirror"] = "gitlab" },
        }),
        ["GetRepository"] = async c => await c.GetRepositoryAsync(new GetRepositoryRequest("app")),
        ["DeleteRepository"] = async c => await c.DeleteRepositoryAsync(new DeleteRepositoryRequest("app")),
        ["GetBranch"] = async c => await c.GetBranchAsync(new GetBranchRequest("app", "main")),
        ["ListBranches"] = async c => await c.ListBranchesAsync(new ListBranchesRequest { RepositoryName = "app", NextToken = "t" }),
    };

    public static TheoryData<string> Operations => [.. Calls.Keys];

    [Theory]
    [MemberData(nameof(Operations))]
    public Task Each_operation_sends_a_request_the_model_accepts_and_reads_every_member_it_declares_from_the_models_response(string operation) =>
        ClientConformance.CheckAsync(Service, operation, s => new CodeCommitClient(s), Calls[operation]);

    [Fact]
    public void The_client_covers_every_CodeCommit_operation_the_build_needs()
    {
        string[] needed = ["CreateRepository", "GetRepository", "DeleteRepository", "GetBranch", "ListBranches"];

        Assert.Equal(needed.Order(StringComparer.Ordinal), Calls.Keys.Order(StringComparer.Ordinal));
    }
}
