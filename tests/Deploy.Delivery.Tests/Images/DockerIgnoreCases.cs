namespace Deploy.Delivery.Tests.Images;

/// <summary>
/// .dockerignore cases and what ends up in the image under <c>COPY . /ctx/</c>, recorded from the real
/// <c>docker build</c> (CLI 28.2, Engine 20.10 legacy builder) over <see cref="CreateTree"/>; the Docker tests
/// check every row against the CLI and our builder again.
/// </summary>
internal static class DockerIgnoreCases
{
    public const string Dockerfile = "FROM scratch\nCOPY . /ctx/\n";

    private static readonly string[] Files =
    [
        "a.txt", "b.log", "c.md", "README.md", "docs/guide.md", "docs/img/logo.png", "docs/img/old/logo.png",
        "src/app.cs", "src/app.log", "src/lib/util.cs", "src/lib/util.log", "src/bin/out.dll", "bin/root.dll",
        "build/x.txt", "tmp/keep.txt", "tmp/drop.txt", ".git/HEAD", "secret.env", "deep/a/b/c/secret.env",
        "node_modules/pkg/index.js", "x1.txt", "x22.txt",
    ];

    /// <summary>Everything in the tree, directories included, as the image lists it without a .dockerignore.</summary>
    public static readonly IReadOnlySet<string> All = new SortedSet<string>(StringComparer.Ordinal)
    {
        ".dockerignore", ".git", ".git/HEAD", "Dockerfile", "README.md", "a.txt", "b.log", "bin", "bin/root.dll", "build",
        "build/x.txt", "c.md", "deep", "deep/a", "deep/a/b", "deep/a/b/c", "deep/a/b/c/secret.env", "docs", "docs/guide.md",
        "docs/img", "docs/img/logo.png", "docs/img/old", "docs/img/old/logo.png", "empty", "link.txt", "node_modules",
        "node_modules/pkg", "node_modules/pkg/index.js", "secret.env", "src", "src/app.cs", "src/app.log", "src/bin",
        "src/bin/out.dll", "src/lib", "src/lib/util.cs", "src/lib/util.log", "tmp", "tmp/drop.txt", "tmp/keep.txt", "x1.txt", "x22.txt",
    };

    /// <summary>The .dockerignore text and the paths absent from the image ("ALL" = every path, "ALL but x y" = only x and y remain).</summary>
    public static TheoryData<string, string> Table => new()
    {
        { "", "" },
        { "*.log", "b.log" },
        { "**/*.log", "b.log src/app.log src/lib/util.log" },
        { "**.log", "b.log src/app.log src/lib/util.log" },
        { "docs", "docs docs/guide.md docs/img docs/img/logo.png docs/img/old docs/img/old/logo.png" },
        { "docs/\n!docs/guide.md", "docs/img docs/img/logo.png docs/img/old docs/img/old/logo.png" },
        { "/bin", "bin bin/root.dll" },
        { "*/bin", "src/bin src/bin/out.dll" },
        { "**/bin", "bin bin/root.dll src/bin src/bin/out.dll" },
        { "x?.txt", "x1.txt" },
        { "[ab].*", "a.txt b.log" },
        { "*/*/*.png", "docs/img/logo.png" },
        { "# comment\n  tmp/drop.txt  \n**/secret.env", "deep/a/b/c/secret.env secret.env tmp/drop.txt" },
        { ".git\nnode_modules", ".git .git/HEAD node_modules node_modules/pkg node_modules/pkg/index.js" },
        { "docs/**/*.png\n!docs/img/logo.png", "docs/img/old/logo.png" },
        { "tmp/*\n!tmp/keep.txt", "tmp/drop.txt" },
        { "!a.txt\n*.txt", "a.txt link.txt x1.txt x22.txt" },
        { "empty", "empty" },
        { "link.txt", "link.txt" },
        { "docs/*/old", "docs/img/old docs/img/old/logo.png" },
        { "deep/**", "deep/a deep/a/b deep/a/b/c deep/a/b/c/secret.env" },
        { "./src/../build", "build build/x.txt" },
        { "b.lo?\n**/x.txt", "b.log build/x.txt" },
        { "src/*.cs\n!src/app.cs", "" },
        { "src/**\n!src/lib/*.cs", "src/app.cs src/app.log src/bin src/bin/out.dll src/lib/util.log" },
        // The CLI reuses the parent's per-pattern results: the second "src" no longer re-ignores src/app.cs.
        { "src\n!src/app.cs\nsrc", "src/app.log src/bin src/bin/out.dll src/lib src/lib/util.cs src/lib/util.log" },
        // The Dockerfile and .dockerignore are sent, and the engine leaves them out of COPY.
        { "Dockerfile\n.dockerignore", ".dockerignore Dockerfile" },
        { "**", "ALL" },
        { "*\n!src", "ALL but src src/app.cs src/app.log src/bin src/bin/out.dll src/lib src/lib/util.cs src/lib/util.log" },
        // An ignored directory is skipped unless an exception starts with its path: "**/*.cs" does not.
        { "*\n!**/*.cs", "ALL" },
    };

    public static string CreateTree(string dockerignore)
    {
        var root = Directory.CreateTempSubdirectory("dockerignore-case-").FullName;
        foreach (var file in Files)
        {
            var path = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file + "\n");
        }

        Directory.CreateDirectory(Path.Combine(root, "empty"));
        File.CreateSymbolicLink(Path.Combine(root, "link.txt"), "a.txt");
        File.WriteAllText(Path.Combine(root, "Dockerfile"), Dockerfile);
        File.WriteAllText(Path.Combine(root, ".dockerignore"), dockerignore);
        return root;
    }

    public static SortedSet<string> Expected(string absent)
    {
        var expected = new SortedSet<string>(All, StringComparer.Ordinal);
        if (absent == "ALL")
            expected.Clear();
        else if (absent.StartsWith("ALL but ", StringComparison.Ordinal))
            expected.IntersectWith(absent["ALL but ".Length..].Split(' '));
        else
            expected.ExceptWith(absent.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return expected;
    }
}
