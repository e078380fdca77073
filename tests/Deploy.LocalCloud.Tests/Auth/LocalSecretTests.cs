using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Tests.Support;

namespace Deploy.LocalCloud.Tests.Auth;

public sealed class LocalSecretTests
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void Each_state_directory_gets_its_own_random_secret_and_keeps_it()
    {
        using var first = new TempDirectory();
        using var second = new TempDirectory();

        var secret = LocalSecretFile.LoadOrCreate(first.Path);

        Assert.Equal(40, secret.Length);
        Assert.NotEqual(secret, LocalSecretFile.LoadOrCreate(second.Path));
        Assert.Equal(secret, LocalSecretFile.LoadOrCreate(first.Path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void The_secret_file_is_readable_by_its_owner_only_even_after_someone_loosened_it()
    {
        using var state = new TempDirectory();
        LocalSecretFile.LoadOrCreate(state.Path);
        var path = LocalSecretFile.PathIn(state.Path);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));

        File.SetUnixFileMode(path, OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        LocalSecretFile.LoadOrCreate(state.Path);

        Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
    }

    [Fact]
    public void An_emptied_secret_file_stops_the_start_with_its_path_instead_of_accepting_an_empty_secret()
    {
        using var state = new TempDirectory();
        LocalSecretFile.LoadOrCreate(state.Path);
        File.WriteAllText(LocalSecretFile.PathIn(state.Path), "");

        var error = Assert.Throws<Deploy.LocalCloud.State.LocalCloudStateException>(() => LocalSecretFile.LoadOrCreate(state.Path));

        Assert.Contains(LocalSecretFile.PathIn(state.Path), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_started_local_cloud_accepts_its_state_directory_secret_and_refuses_the_old_fixed_one()
    {
        await using var cloud = await TestCloud.StartAsync();

        Assert.Equal(File.ReadAllText(LocalSecretFile.PathIn(cloud.Instance.Options.StateDirectory)).Trim(), cloud.Instance.SecretAccessKey);
        Assert.Equal("000000000000", (await cloud.Cli.JsonAsync("sts", "get-caller-identity"))["Account"]!.GetValue<string>());
        Assert.Equal("SignatureDoesNotMatch", await cloud.Cli.WithSecret("localsecret").ErrorCodeAsync("sts", "get-caller-identity"));
        Assert.Equal("InvalidSignatureException", await cloud.Cli.WithSecret("localsecret").ErrorCodeAsync("ecr", "describe-repositories"));
    }
}
