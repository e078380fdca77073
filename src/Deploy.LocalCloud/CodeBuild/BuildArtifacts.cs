using System.IO.Compression;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Iam.Authorization;
using Microsoft.Extensions.FileSystemGlobbing;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// UPLOAD_ARTIFACTS: the buildspec's <c>artifacts</c> (<c>files</c> globs under <c>base-directory</c>, <c>discard-paths</c>,
/// <c>name</c>) collected from the source directory and stored in S3 where the project's artifacts (type S3: location,
/// path, name, namespaceType, packaging ZIP or NONE) or the pipeline's output artifact say. A pattern that matches
/// nothing fails the phase with CodeBuild's "CLIENT_ERROR: no matching artifact paths found".
/// </summary>
internal sealed class BuildArtifacts(ArtifactBucket bucket)
{
    /// <summary>Uploads and returns the <c>artifacts.location</c> ARN, or null when the build has no artifacts.</summary>
    public string? Upload(BuildRecord record, Buildspec spec, string sourceDirectory, ServiceRoleSession role)
    {
        var settings = record.ArtifactSettings;
        var type = record.OutputArtifact is not null ? "CODEPIPELINE" : settings?["type"]?.GetValue<string>() ?? "NO_ARTIFACTS";
        if (type == "NO_ARTIFACTS")
        {
            return null;
        }

        if (spec.Artifacts is null)
        {
            throw new BuildFailure("CLIENT_ERROR", "no artifact definition in the buildspec (artifacts/files), but the project expects artifacts");
        }

        var files = Collect(spec.Artifacts, sourceDirectory);
        if (record.OutputArtifact is { } output)
        {
            bucket.Put(output, Zip(files), "application/zip", role);
            return $"arn:aws:s3:::{output.Bucket}/{output.Key}";
        }

        if (type != "S3")
        {
            throw new BuildFailure("CLIENT_ERROR", $"artifacts type {type} is not supported by the local cloud (S3, NO_ARTIFACTS, CODEPIPELINE)");
        }

        var bucketName = settings!["location"]?.GetValue<string>() ?? throw new BuildFailure("CLIENT_ERROR", "artifacts location (the bucket) is missing");
        var name = settings["overrideArtifactName"]?.GetValue<bool>() == true && spec.Artifacts.Name is { Length: > 0 } specName
            ? specName
            : settings["name"]?.GetValue<string>() ?? record.Build["projectName"]!.GetValue<string>();
        var parts = new List<string>();
        if (settings["path"]?.GetValue<string>() is { Length: > 0 } prefix)
        {
            parts.Add(prefix.Trim('/'));
        }

        if (settings["namespaceType"]?.GetValue<string>() == "BUILD_ID")
        {
            parts.Add(record.BuildId[(record.BuildId.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        }

        parts.Add(name);
        var key = string.Join('/', parts);
        try
        {
            if (settings["packaging"]?.GetValue<string>() == "ZIP")
            {
                bucket.Put(new S3ObjectLocation(bucketName, key), Zip(files), "application/zip", role);
            }
            else
            {
                foreach (var (entry, path) in files)
                {
                    bucket.Put(new S3ObjectLocation(bucketName, $"{key}/{entry}"), File.ReadAllBytes(path), "binary/octet-stream", role);
                }
            }
        }
        catch (Protocols.AwsServiceException error)
        {
            throw new BuildFailure("CLIENT_ERROR", $"error while uploading artifacts to s3://{bucketName}/{key}: {error.Code}: {error.Message}");
        }

        return $"arn:aws:s3:::{bucketName}/{key}";
    }

    /// <summary>(entry name, host path) of every file the patterns match, in a stable order.</summary>
    private static List<(string Entry, string Path)> Collect(BuildspecArtifacts artifacts, string sourceDirectory)
    {
        var root = Path.GetFullPath(Path.Combine(sourceDirectory, artifacts.BaseDirectory ?? "."));
        if (!root.StartsWith(Path.GetFullPath(sourceDirectory), StringComparison.Ordinal) || !Directory.Exists(root))
        {
            throw new BuildFailure("CLIENT_ERROR", $"no matching base directory path found for {artifacts.BaseDirectory}");
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var pattern in artifacts.Files)
        {
            var matcher = new Matcher(StringComparison.Ordinal);
            matcher.AddInclude(pattern);
            var matched = matcher.GetResultsInFullPath(root).ToList();
            if (matched.Count == 0)
            {
                throw new BuildFailure("CLIENT_ERROR", $"no matching artifact paths found (pattern '{pattern}' under {artifacts.BaseDirectory ?? "the source directory"})");
            }

            foreach (var path in matched)
            {
                var entry = artifacts.DiscardPaths ? Path.GetFileName(path) : Path.GetRelativePath(root, path).Replace('\\', '/');
                files[entry] = path;
            }
        }

        return [.. files.Select(f => (f.Key, f.Value))];
    }

    private static byte[] Zip(List<(string Entry, string Path)> files)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entry, path) in files)
            {
                archive.CreateEntryFromFile(path, entry, CompressionLevel.Fastest);
            }
        }

        return buffer.ToArray();
    }
}
