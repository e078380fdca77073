using Deploy.Aws.CodeCommit;
using Deploy.Aws.Tests.Core;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.CodeCommit;

/// <summary>moto implements repository CRUD only; GetBranch and ListBranches are covered by the model tests.</summary>
[Collection(MotoGroup.Name)]
public sealed class CodeCommitMotoTests(MotoServer moto) : MotoTestBase(moto)
{
    [Fact]
    public async Task A_repository_is_created_read_and_deleted()
    {
        using var session = MotoSessions.For(Moto);
        var codeCommit = new CodeCommitClient(session);

        var created = await codeCommit.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app", RepositoryDescription = "mirror" });
        var read = await codeCommit.GetRepositoryAsync(new GetRepositoryRequest("app"));
        var deleted = await codeCommit.DeleteRepositoryAsync(new DeleteRepositoryRequest("app"));
        var deletedAgain = await codeCommit.DeleteRepositoryAsync(new DeleteRepositoryRequest("app"));

        Assert.Equal("https://git-codecommit.us-east-1.amazonaws.com/v1/repos/app", created.RepositoryMetadata?.CloneUrlHttp);
        Assert.Equal($"arn:aws:codecommit:us-east-1:{MotoServer.AccountId}:app", read.RepositoryMetadata?.Arn);
        Assert.Equal("mirror", read.RepositoryMetadata?.RepositoryDescription);
        Assert.Equal(created.RepositoryMetadata?.RepositoryId, deleted.RepositoryId);
        Assert.Null(deletedAgain.RepositoryId);
    }

    [Fact]
    public async Task Common_mistakes_fail_with_the_service_error_codes()
    {
        using var session = MotoSessions.For(Moto);
        var codeCommit = new CodeCommitClient(session);
        await codeCommit.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" });

        var duplicate = await Assert.ThrowsAsync<CodeCommitException>(() => codeCommit.CreateRepositoryAsync(new CreateRepositoryRequest { RepositoryName = "app" }));
        var missing = await Assert.ThrowsAsync<CodeCommitException>(() => codeCommit.GetRepositoryAsync(new GetRepositoryRequest("nope")));

        Assert.Equal("RepositoryNameExistsException", duplicate.Code);
        Assert.Equal("RepositoryDoesNotExistException", missing.Code);
        Assert.Contains("repository 'nope'", missing.Message, StringComparison.Ordinal);
    }
}
