using System.Formats.Tar;
using System.Runtime.Versioning;
using Deploy.Delivery.Images;

namespace Deploy.Delivery.Tests.Images;

public sealed class DockerIgnoreTests
{
    [Theory]
    [MemberData(nameof(DockerIgnoreCases.Table), MemberType = typeof(DockerIgnoreCases))]
    public void The_context_holds_what_docker_build_copies(string dockerignore, string absent)
    {
        var root = DockerIgnoreCases.CreateTree(dockerignore);
        try
        {
            var sent = BuildContext.Select(root).Paths;

            Assert.Equal(DockerIgnoreCases.Expected(absent), AsCopiedByTheEngine(sent, dockerignore));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("sub", "sub/Dockerfile", "!sub/Dockerfile")]
    [InlineData("*\n!app", "Dockerfile", "!Dockerfile")]
    [InlineData("*.md", "Dockerfile", null)]
    public void An_ignored_Dockerfile_is_sent_anyway_through_an_added_exception(string dockerignore, string dockerfile, string? added)
    {
        var ignore = DockerIgnore.Parse(dockerignore);

        var kept = ignore.Keeping(dockerfile);

        Assert.Equal(added, kept.Patterns.Count > ignore.Patterns.Count ? kept.Patterns[^1].ToString() : null);
        Assert.False(kept.IsIgnored(dockerfile) && added is not null);
    }

    [Fact]
    public void Comments_blank_lines_a_byte_order_mark_and_surrounding_spaces_are_not_patterns()
    {
        var ignore = DockerIgnore.Parse("\uFEFF# a comment\r\n\n   \n  *.log  \r\n! /keep.log\n");

        Assert.Equal(["*.log", "!keep.log"], ignore.Patterns.Select(p => p.ToString()));
    }

    [Fact]
    public void A_lone_exclamation_mark_is_refused_as_docker_refuses_it()
    {
        Assert.Throws<FormatException>(() => DockerIgnore.Parse("!\n"));
    }

    [Theory]
    [InlineData("a/./b/", "a/b")]
    [InlineData("a//b/../c", "a/c")]
    [InlineData("/a/../../b", "/b")]
    [InlineData("../a", "../a")]
    [InlineData("./", ".")]
    [InlineData("", ".")]
    public void Paths_are_cleaned_like_go_path_clean(string path, string cleaned)
    {
        Assert.Equal(cleaned, DockerIgnore.CleanPath(path));
    }

    [Theory]
    [InlineData("**", "a/b/c", true)]
    [InlineData("**foo", "xfoo", true)]
    [InlineData("**foo", "a/xfoo", true)]
    [InlineData("**/foo", "foo", true)]
    [InlineData("**/foo", "xfoo", false)]
    [InlineData("foo/**", "foo", false)]
    [InlineData("foo/**", "foo/a/b", true)]
    [InlineData("a*/**", "ab/c", true)]
    [InlineData("a/**/b", "a/b", true)]
    [InlineData("a/**/b", "a/x/y/b", true)]
    [InlineData("*", "a/b", false)]
    [InlineData("a.b", "axb", false)]
    [InlineData("a\\*b", "a*b", true)]
    [InlineData("[!a]", "!", true)]
    public void Patterns_match_as_docker_compiles_them(string pattern, string path, bool matches)
    {
        Assert.Equal(matches, new IgnorePattern(pattern, false).Matches(path));
    }

    [Fact]
    public async Task The_context_tar_has_fixed_owners_and_times_so_its_hash_changes_only_with_content()
    {
        var root = DockerIgnoreCases.CreateTree("*.log");
        try
        {
            var first = await HashAsync(root);
            File.SetLastWriteTimeUtc(Path.Combine(root, "a.txt"), DateTime.UtcNow.AddDays(-3));
            var touched = await HashAsync(root);
            await File.AppendAllTextAsync(Path.Combine(root, "a.txt"), "changed");
            var changed = await HashAsync(root);
            await File.AppendAllTextAsync(Path.Combine(root, "b.log"), "ignored");
            var ignoredChange = await HashAsync(root);

            Assert.Equal(first, touched);
            Assert.NotEqual(first, changed);
            Assert.Equal(changed, ignoredChange);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task The_context_tar_keeps_symbolic_links_directories_and_modes()
    {
        var root = DockerIgnoreCases.CreateTree("");
        try
        {
            File.SetUnixFileMode(Path.Combine(root, "x1.txt"), (UnixFileMode)Convert.ToInt32("755", 8));
            using var tar = new MemoryStream();
            await BuildContext.Select(root).WriteAsync(tar, CancellationToken.None);
            tar.Position = 0;
            var entries = new Dictionary<string, TarEntry>();
            using (var reader = new TarReader(tar))
            {
                while (await reader.GetNextEntryAsync() is { } entry)
                    entries.Add(entry.Name, entry);
            }

            Assert.Equal(TarEntryType.SymbolicLink, entries["link.txt"].EntryType);
            Assert.Equal("a.txt", entries["link.txt"].LinkName);
            Assert.Equal(TarEntryType.Directory, entries["empty/"].EntryType);
            Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), entries["x1.txt"].Mode);
            Assert.All(entries.Values, e => Assert.Equal((0, 0, DateTimeOffset.UnixEpoch), (e.Uid, e.Gid, e.ModificationTime)));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What <c>COPY . /ctx/</c> shows: the engine drops an ignored Dockerfile and .dockerignore, and
    /// creates the parents of entries whose directories were not sent.</summary>
    internal static SortedSet<string> AsCopiedByTheEngine(IEnumerable<string> sent, string dockerignore)
    {
        var ignore = DockerIgnore.Parse(dockerignore);
        var copied = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var path in sent.Where(p => p is not ("Dockerfile" or ".dockerignore") || !ignore.IsIgnored(p)))
        {
            for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
                copied.Add(path[..slash]);
            copied.Add(path);
        }

        return copied;
    }

    private static async Task<string> HashAsync(string root) =>
        await BuildContext.Select(root).WriteAsync(Stream.Null, CancellationToken.None);
}
