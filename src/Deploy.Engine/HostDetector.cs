using System.Diagnostics;

namespace Deploy.Engine;

/// <summary>Detects the host from the environment given to the build (never process globals).</summary>
internal static class HostDetector
{
    public static IBuildHost Detect(IReadOnlyDictionary<string, string> environment, bool isTerminal, string rootDirectory)
    {
        string? Get(string name) =>
            environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value : null;

        if (Get("GITLAB_CI") is not null)
        {
            var branch = Get("CI_COMMIT_BRANCH") ?? Get("CI_COMMIT_REF_NAME");
            return new BuildHost(HostKind.GitLab, true, false, () => Get("CI_COMMIT_SHA"), () => branch, Get("CI_JOB_URL"));
        }

        if (Get("CODEBUILD_BUILD_ID") is { } buildId)
        {
            return new BuildHost(
                HostKind.CodeBuild,
                true,
                false,
                () => Get("CODEBUILD_RESOLVED_SOURCE_VERSION"),
                // The platform's pipeline passes the source branch as PIPELINE_SOURCE_BRANCH: its source artifact names none.
                () => Get("PIPELINE_SOURCE_BRANCH") ?? CodeBuildBranch(Get("CODEBUILD_WEBHOOK_HEAD_REF"), Get("CODEBUILD_SOURCE_VERSION")),
                Get("CODEBUILD_BUILD_URL") ?? CodeBuildConsoleUrl(buildId, Get("AWS_REGION") ?? Get("AWS_DEFAULT_REGION")));
        }

        var isCi = string.Equals(Get("CI"), "true", StringComparison.OrdinalIgnoreCase) || Get("CI") == "1";
        return new BuildHost(
            HostKind.Terminal,
            isCi,
            isTerminal && !isCi,
            () => Git(rootDirectory, "rev-parse", "HEAD"),
            () => Git(rootDirectory, "rev-parse", "--abbrev-ref", "HEAD"),
            null);
    }

    internal static string? CodeBuildBranch(string? webhookHeadRef, string? sourceVersion)
    {
        const string headsPrefix = "refs/heads/";
        if (webhookHeadRef is not null)
            return webhookHeadRef.StartsWith(headsPrefix, StringComparison.Ordinal) ? webhookHeadRef[headsPrefix.Length..] : webhookHeadRef;
        // A commit, a pull request (pr/7) or a CodePipeline input artifact (arn:aws:s3:::bucket/key) names no branch.
        if (sourceVersion is null || IsSha(sourceVersion) || sourceVersion.StartsWith("pr/", StringComparison.Ordinal)
            || sourceVersion.StartsWith("arn:", StringComparison.Ordinal))
            return null;
        return sourceVersion.StartsWith(headsPrefix, StringComparison.Ordinal) ? sourceVersion[headsPrefix.Length..] : sourceVersion;
    }

    internal static string? CodeBuildConsoleUrl(string buildId, string? region)
    {
        var colon = buildId.IndexOf(':', StringComparison.Ordinal);
        if (region is null || colon <= 0)
            return null;
        var project = buildId[..colon];
        return $"https://{region}.console.aws.amazon.com/codesuite/codebuild/projects/{Uri.EscapeDataString(project)}"
            + $"/build/{Uri.EscapeDataString(buildId)}/?region={region}";
    }

    private static bool IsSha(string value) => value.Length == 40 && value.All(Uri.IsHexDigit);

    private static string? Git(string workingDirectory, params string[] arguments)
    {
        try
        {
            var startInfo = new ProcessStartInfo("git")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
                startInfo.ArgumentList.Add(argument);
            using var process = Process.Start(startInfo)!;
            var output = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return process.ExitCode == 0 && output.Length > 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // git is not installed
        }
    }
}
