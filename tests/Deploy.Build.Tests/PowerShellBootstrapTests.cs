namespace Deploy.Build.Tests;

/// <summary>build.ps1 is the same bootstrap for Windows and PowerShell users; PowerShell comes as a dotnet tool.</summary>
[Collection(BuildScriptGroup.Name)]
public sealed class PowerShellBootstrapTests
{
    private const string PowerShellVersion = "7.6.9";

    [Fact]
    public async Task Build_ps1_lists_the_same_targets_as_build_sh()
    {
        var pwsh = await InstallPowerShellAsync();

        var viaPowerShell = await BuildScript.RunProcessAsync(pwsh, ["-NoProfile", "-File", Path.Combine(BuildScript.Root, "build.ps1"), "--help"]);
        var viaBash = await BuildScript.RunAsync("--help");

        Assert.Equal(0, viaPowerShell.ExitCode);
        Assert.Equal(viaBash.Output, viaPowerShell.Output);
    }

    [Fact]
    public async Task Build_ps1_passes_on_the_exit_code_of_bad_usage()
    {
        var pwsh = await InstallPowerShellAsync();

        var result = await BuildScript.RunProcessAsync(pwsh, ["-NoProfile", "-File", Path.Combine(BuildScript.Root, "build.ps1"), "no-such-target"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown target 'no-such-target'", result.Error, StringComparison.Ordinal);
    }

    private static async Task<string> InstallPowerShellAsync()
    {
        var toolPath = Path.Combine(BuildScript.Root, ".nuke", "temp", "pwsh");
        var pwsh = Path.Combine(toolPath, "pwsh");
        if (!File.Exists(pwsh))
        {
            var install = await BuildScript.RunProcessAsync("dotnet", ["tool", "install", "PowerShell", "--version", PowerShellVersion, "--tool-path", toolPath]);
            Assert.True(install.ExitCode == 0, install.Output + install.Error);
        }

        return pwsh;
    }
}
