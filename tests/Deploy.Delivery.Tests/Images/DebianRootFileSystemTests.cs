using System.Formats.Tar;
using System.Security.Cryptography;
using Deploy.Delivery.Images;

namespace Deploy.Delivery.Tests.Images;

public sealed class DebianRootFileSystemTests
{
    private static readonly Lazy<byte[]> Tar = new(() =>
    {
        using var stream = new MemoryStream();
        DebianRootFileSystem.Write(stream);
        return stream.ToArray();
    });

    private static Dictionary<string, TarEntry> Entries()
    {
        using var reader = new TarReader(new MemoryStream(Tar.Value));
        var entries = new Dictionary<string, TarEntry>();
        while (reader.GetNextEntry(copyData: true) is { } entry)
            entries.Add(entry.Name, entry);
        return entries;
    }

    [Fact]
    public void Contains_the_c_runtime_openssl_and_certificates_of_the_host_packages()
    {
        var names = Entries().Keys;

        Assert.Contains(names, n => n.EndsWith("/libc.so.6", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("/libstdc++.so.6", StringComparison.Ordinal));
        Assert.Contains(names, n => n.EndsWith("/libssl.so.3", StringComparison.Ordinal));
        Assert.Contains("etc/ssl/certs/ca-certificates.crt", names);
        Assert.Contains("usr/share/zoneinfo/Etc/UTC", names);
        Assert.DoesNotContain(names, n => n.StartsWith("usr/share/doc/", StringComparison.Ordinal));
    }

    [Fact]
    public void Has_a_shell_at_bin_sh_and_the_basic_utilities_like_runtime_deps()
    {
        var entries = Entries();

        // usr/bin/sh because /bin is the merged-usr link to usr/bin.
        Assert.Equal((TarEntryType.SymbolicLink, "dash"), (entries["usr/bin/sh"].EntryType, entries["usr/bin/sh"].LinkName));
        foreach (var tool in new[] { "dash", "bash", "ls", "cat", "mkdir", "env", "sed", "grep", "find" })
            Assert.True(entries.ContainsKey("usr/bin/" + tool), $"usr/bin/{tool} is missing");
    }

    [Fact]
    public void Its_host_stamp_is_a_stable_hash()
    {
        Assert.Matches("^[0-9a-f]{64}$", DebianRootFileSystem.HostStamp());
        Assert.Equal(DebianRootFileSystem.HostStamp(), DebianRootFileSystem.HostStamp());
    }

    [Fact]
    public void Keeps_the_merged_usr_layout_of_the_host()
    {
        var lib = Entries()["lib"];

        Assert.Equal(TarEntryType.SymbolicLink, lib.EntryType);
        Assert.Equal("usr/lib", lib.LinkName);
    }

    [Fact]
    public void Has_the_app_user_1654_and_a_world_writable_sticky_tmp()
    {
        var entries = Entries();
        using var passwd = new StreamReader(entries["etc/passwd"].DataStream!);

        Assert.Contains("app:x:1654:1654:", passwd.ReadToEnd(), StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)Convert.ToInt32("1777", 8), entries["tmp"].Mode);
        Assert.Equal(1654, entries["home/app"].Uid);
    }

    [Fact]
    public void Writes_the_same_bytes_every_time_so_its_hash_can_key_the_image()
    {
        using var again = new MemoryStream();
        DebianRootFileSystem.Write(again);

        Assert.Equal(SHA256.HashData(Tar.Value), SHA256.HashData(again.ToArray()));
    }
}
