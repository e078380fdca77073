using System.Text.RegularExpressions;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>EC2 error codes contain dots (<c>InvalidGroup.NotFound</c>), which <see cref="AwsCli.ErrorCodeAsync"/>'s pattern does not take.</summary>
public static partial class AwsCliErrorCodes
{
    public static async Task<string> DottedErrorCodeAsync(this AwsCli cli, params string[] arguments)
    {
        var result = await cli.RunAsync(arguments);
        Assert.True(result.ExitCode != 0, $"aws {string.Join(' ', arguments)} unexpectedly succeeded: {result}");
        var match = Pattern().Match(result.Stderr);
        Assert.True(match.Success, $"no AWS error code in: {result.Stderr}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"An error occurred \(([A-Za-z0-9.]+)\)")]
    private static partial Regex Pattern();
}
