using Deploy.Testing.Moto;

namespace Deploy.Aws.Tests.Support;

/// <summary>One moto_server shared by every test class in the collection (tests in it run one at a time).</summary>
/// <remarks>xunit finds collection definitions only in the test assembly itself, so this stays here.</remarks>
[CollectionDefinition(Name)]
public sealed class MotoGroup : ICollectionFixture<MotoServer>
{
    public const string Name = "moto";
}

/// <summary>Base of the test classes on the shared moto_server (<see cref="MotoGroup"/>): moto is reset before each test.</summary>
public abstract class MotoTestBase(MotoServer moto) : IAsyncLifetime
{
    protected MotoServer Moto { get; } = moto;

    public Task InitializeAsync() => Moto.ResetAsync();

    public Task DisposeAsync()
    {
        AfterTest();
        return Task.CompletedTask;
    }

    /// <summary>Checks after each test, e.g. that what a recorder saw conforms to the model.</summary>
    protected virtual void AfterTest()
    {
    }
}
