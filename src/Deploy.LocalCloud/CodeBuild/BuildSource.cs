using System.IO.Compression;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.CodeCommit;
using Deploy.LocalCloud.Iam.Authorization;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// DOWNLOAD_SOURCE: puts a build's source into its source directory. NO_SOURCE: empty; S3: the zip at
/// <c>bucket/key</c>, unpacked; CODEPIPELINE: the input artifact zip (no <c>.git</c>, as the pipeline gives it); CODECOMMIT:
/// a clone of the local repository with <c>.git</c>, checked out at the source version (commit, branch or tag; default the
/// default branch), its <c>origin</c> the repository's clone URL.
/// </summary>
internal sealed class BuildSource(ArtifactBucket bucket, GitRepositories repositories)
{
    /// <summary>Fills <paramref name="directory"/>; returns the resolved source version (a commit for CODECOMMIT) and log lines.</summary>
    public (string? ResolvedVersion, IReadOnlyList<string> Notes) Download(BuildRecord record, string directory, ServiceRoleSession role)
    {
        var build = record.Build;
        var source = build["source"]!.AsObject();
        var type = source["type"]?.GetValue<string>() ?? "NO_SOURCE";
        var location = source["location"]?.GetValue<string>();
        Directory.CreateDirectory(directory);
        switch (type)
        {
            case "NO_SOURCE":
                return (null, []);
            case "S3":
                var (bucketName, key) = SplitS3(location ?? throw new BuildFailure("CLIENT_ERROR", "source location is missing for an S3 source"));
                Unzip(new S3ObjectLocation(bucketName, key), directory, role);
                return (build["sourceVersion"]?.GetValue<string>(), [$"Downloading s3://{bucketName}/{key}"]);
            case "CODEPIPELINE":
                if (record.InputArtifacts.Count == 0)
                {
                    throw new BuildFailure("CLIENT_ERROR", "the pipeline gave no input artifact");
                }

                Unzip(record.InputArtifacts[0], directory, role);
                var notes = new List<string> { $"Downloading s3://{record.InputArtifacts[0].Bucket}/{record.InputArtifacts[0].Key}" };
                notes.AddRange(record.InputArtifacts.Skip(1).Select(a => $"Warning: secondary input artifact s3://{a.Bucket}/{a.Key} is not downloaded by the local cloud"));
                return (build["resolvedSourceVersion"]?.GetValue<string>(), notes);
            case "CODECOMMIT":
                return Clone(record, location ?? throw new BuildFailure("CLIENT_ERROR", "source location is missing for a CODECOMMIT source"), build["sourceVersion"]?.GetValue<string>(), directory, role);
            default:
                throw new BuildFailure("CLIENT_ERROR", $"source type {type} is not supported by the local cloud (NO_SOURCE, S3, CODECOMMIT, CODEPIPELINE)");
        }
    }

    public static (string Bucket, string Key) SplitS3(string location)
    {
        var path = location.StartsWith("arn:aws:s3:::", StringComparison.Ordinal) ? location["arn:aws:s3:::".Length..] : location;
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? (path[..slash], path[(slash + 1)..]) : throw new BuildFailure("CLIENT_ERROR", $"source location '{location}' is not <bucket>/<key>");
    }

    private void Unzip(S3ObjectLocation location, string directory, ServiceRoleSession role)
    {
        byte[] zip;
        try
        {
            zip = bucket.Get(location, role);
        }
        catch (AwsServiceException error)
        {
            throw new BuildFailure("CLIENT_ERROR", $"error while downloading s3://{location.Bucket}/{location.Key}: {error.Code}: {error.Message}");
        }

        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            archive.ExtractToDirectory(directory, overwriteFiles: true);
        }
        catch (InvalidDataException error)
        {
            throw new BuildFailure("CLIENT_ERROR", $"s3://{location.Bucket}/{location.Key} is not a zip: {error.Message}");
        }
    }

    private (string? ResolvedVersion, IReadOnlyList<string> Notes) Clone(BuildRecord record, string location, string? version, string directory, ServiceRoleSession role)
    {
        const string marker = "/v1/repos/";
        var at = location.IndexOf(marker, StringComparison.Ordinal);
        var name = at < 0 ? null : location[(at + marker.Length)..].TrimEnd('/');
        if (name is null || !repositories.Exists(name))
        {
            throw new BuildFailure("CLIENT_ERROR", $"repository not found for primary source and source version {version ?? "(default)"}: {location}");
        }

        // CodeBuild clones with the service role's codecommit:GitPull (the repository ARN in the build's region and account).
        var arn = record.Build["arn"]!.GetValue<string>().Split(':');
        try
        {
            role.Require("codecommit:GitPull", $"arn:aws:codecommit:{arn[3]}:{arn[4]}:{name}");
        }
        catch (RoleSessionDeniedException denied)
        {
            throw new BuildFailure("CLIENT_ERROR", $"authorization failed for primary source and source version {version ?? "(default)"}: {denied.Message}");
        }

        var bare = repositories.PathOf(name);
        var clone = GitProcess.Run(Path.GetDirectoryName(directory)!, "clone", "--quiet", "--no-hardlinks", bare, directory);
        if (clone.ExitCode != 0)
        {
            throw new BuildFailure("CLIENT_ERROR", $"git clone of {name} failed: {clone.Error.Trim()}");
        }

        var reference = version switch
        {
            null or "" => "HEAD",
            _ when version.StartsWith("refs/heads/", StringComparison.Ordinal) => "origin/" + version["refs/heads/".Length..],
            _ => version,
        };
        var commit = GitProcess.Run(directory, "rev-parse", "--verify", "--quiet", reference + "^{commit}");
        if (commit.ExitCode != 0)
        {
            commit = GitProcess.Run(directory, "rev-parse", "--verify", "--quiet", "origin/" + reference + "^{commit}");
        }

        if (commit.ExitCode != 0)
        {
            throw new BuildFailure("CLIENT_ERROR", $"reference not found for primary source and source version {version}");
        }

        var id = commit.Output.Trim();
        GitProcess.Required(directory, "checkout", "--quiet", "--detach", id);
        GitProcess.Required(directory, "remote", "set-url", "origin", location);
        return (id, [$"Cloning {location} at {id}"]);
    }
}

/// <summary>A phase failure with the context CodeBuild reports (<c>statusCode</c>, <c>message</c>).</summary>
internal sealed class BuildFailure(string statusCode, string message) : Exception(message)
{
    public string StatusCode { get; } = statusCode;
}
