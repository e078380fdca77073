using Deploy.Delivery.Quality;
using Deploy.Engine;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>Installs the real linters once (as Lint would) and hands tests a context over a temp folder.</summary>
public sealed class LintToolsFixture : IAsyncLifetime
{
    private readonly RecordingLog log = new();

    internal ToolRunner Tools { get; }

    internal LintTools Installed { get; }

    public LintToolsFixture()
    {
        Tools = new ToolRunner(log);
        Installed = new LintTools(RepositoryRoot.ToolsDirectory, Tools, log);
    }

    internal LintContext ContextFor(string root) => new(root, Tools, Installed);

    public Task InitializeAsync() => Installed.EnsureAsync(CancellationToken.None);

    public Task DisposeAsync() => Task.CompletedTask;
}

[CollectionDefinition(Name)]
public sealed class LintToolsGroup : ICollectionFixture<LintToolsFixture>
{
    public const string Name = "lint tools";
}
