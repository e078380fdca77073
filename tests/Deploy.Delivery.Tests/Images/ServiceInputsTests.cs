using Deploy.Delivery.Images;

namespace Deploy.Delivery.Tests.Images;

// The no-change decision BuildImage takes before publishing: what must, and must not, change the input hash.
public sealed class ServiceInputsTests : IDisposable
{
    private const string BaseId = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
    private static readonly SourceRevision Revision = new("0123456789abcdef0123456789abcdef01234567", "main", "https://gitlab.example.com/g/app");

    private readonly ContextDirectory repository = Checkout(new ContextDirectory());

    private string App => Path.Combine(repository.Root, "src", "App");

    private ServiceInputs Inputs => new(App, BaseId) { Revision = Revision, PublishArguments = ["-r", "linux-x64"] };

    [Fact]
    public void Unchanged_sources_hash_alike_even_when_touched_or_when_bin_and_obj_change()
    {
        var before = Inputs.Hash();
        File.SetLastWriteTimeUtc(Path.Combine(App, "Program.cs"), DateTime.UtcNow.AddMinutes(5));
        repository.Write("src/App/bin/Release/App.dll", "other build output").Write("src/App/obj/project.assets.json", "{}");
        repository.Write("src/Lib/obj/x.cache", "x");

        Assert.Matches("^[0-9a-f]{64}$", before);
        Assert.Equal(before, Inputs.Hash());
    }

    [Theory]
    [InlineData("src/App/Program.cs", "Console.WriteLine(2);")]
    [InlineData("src/App/Dockerfile", "FROM other")]
    [InlineData("src/App/.dockerignore", "*.pdb")]
    [InlineData("src/App/packages.lock.json", "{\"version\": 2}")]
    [InlineData("src/App/wwwroot/new.css", "body {}")]
    [InlineData("src/Lib/Class.cs", "class Changed {}")]
    [InlineData("Directory.Build.props", "<Project><PropertyGroup><Nullable>disable</Nullable></PropertyGroup></Project>")]
    [InlineData("Directory.Packages.props", "<Project />")]
    [InlineData("global.json", "{\"sdk\": {\"version\": \"10.0.999\"}}")]
    public void A_changed_source_project_file_or_shared_build_file_changes_the_hash(string path, string content)
    {
        var before = Inputs.Hash();
        repository.Write(path, content);

        Assert.NotEqual(before, Inputs.Hash());
    }

    [Fact]
    public void Build_arguments_base_image_dockerfile_labels_and_revision_are_inputs_too()
    {
        var before = Inputs.Hash();

        Assert.NotEqual(before, (Inputs with { BuildArgs = new Dictionary<string, string> { ["A"] = "1" } }).Hash());
        Assert.NotEqual(before, new ServiceInputs(App, "sha256:2222") { Revision = Revision, PublishArguments = ["-r", "linux-x64"] }.Hash());
        Assert.NotEqual(before, (Inputs with { Dockerfile = "Dockerfile.alpine" }).Hash());
        Assert.NotEqual(before, (Inputs with { Labels = new Dictionary<string, string> { [LocalImagePruner.CheckoutLabel] = "abc" } }).Hash());
        Assert.NotEqual(before, (Inputs with { Revision = Revision with { Commit = Revision.Commit + "-dirty" } }).Hash());
        Assert.NotEqual(before, (Inputs with { PublishArguments = ["-r", "linux-arm64"] }).Hash());
        Assert.NotEqual(before, (Inputs with { Version = "1.2.3" }).Hash());
        // The branch only names a tag; the image of a commit is the same on every branch.
        Assert.Equal(before, (Inputs with { Revision = Revision with { Branch = "other" } }).Hash());
    }

    [Fact]
    public void A_second_clone_of_the_same_sources_elsewhere_hashes_alike()
    {
        using var clone = Checkout(new ContextDirectory());

        Assert.Equal(Inputs.Hash(), (Inputs with { Project = Path.Combine(clone.Root, "src", "App") }).Hash());
    }

    [Fact]
    public void Referenced_projects_are_followed_transitively_once()
    {
        repository.Write("src/Lib/Lib.csproj", "<Project><ItemGroup><ProjectReference Include=\"..\\App\\App.csproj\" /></ItemGroup></Project>");

        Assert.Equal([App, Path.Combine(repository.Root, "src", "Lib")], ServiceInputs.ProjectDirectories(App));
    }

    public void Dispose() => repository.Dispose();

    // A repository with a service project referencing a library, as BuildImage sees src/Deploy.SampleService.
    private static ContextDirectory Checkout(ContextDirectory directory)
    {
        Directory.CreateDirectory(Path.Combine(directory.Root, ".git"));
        return directory
            .Write("global.json", "{\"sdk\": {\"version\": \"10.0.100\"}}")
            .Write("Directory.Build.props", "<Project><PropertyGroup><Nullable>enable</Nullable></PropertyGroup></Project>")
            .Write("Directory.Packages.props", "<Project><PropertyGroup /></Project>")
            .Write("README.md", "not an input")
            .Write("src/App/App.csproj", "<Project Sdk=\"Microsoft.NET.Sdk.Web\"><ItemGroup><ProjectReference Include=\"..\\Lib\\Lib.csproj\" /></ItemGroup></Project>")
            .Write("src/App/Program.cs", "Console.WriteLine(1);")
            .Write("src/App/Dockerfile", "FROM base\nCOPY . /app/\n")
            .Write("src/App/.dockerignore", "*.xml")
            .Write("src/App/packages.lock.json", "{\"version\": 1}")
            .Write("src/Lib/Lib.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />")
            .Write("src/Lib/Class.cs", "class Lib {}");
    }
}
