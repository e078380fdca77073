using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.Engine;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Images;

/// <summary>
/// Builds an image through the Docker Engine API: streams the context as a tar that honours <c>.dockerignore</c>,
/// streams the build output line by line, and fails with the step and its last output lines. An image whose
/// primary tag already carries the same <see cref="ContextDigestLabel"/> is left as it is.
/// </summary>
public sealed class ImageBuilder(IDockerClient docker, IBuildLog log, TimeProvider? clock = null)
{
    /// <summary>
    /// SHA-256 of the context tar and of everything else the build depends on: Dockerfile path, build arguments,
    /// labels (but not the creation time) and the base image's id.
    /// </summary>
    public const string ContextDigestLabel = "deploy.context-digest";

    /// <summary>The build argument <see cref="ImageBuildOptions.BaseImage"/> is passed as.</summary>
    public const string BaseImageArgument = "BASE_IMAGE";

    private readonly TimeProvider clock = clock ?? TimeProvider.System;

    public async Task<ImageBuildResult> BuildAsync(ImageBuildOptions options, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Path.Combine(options.ContextDirectory, options.Dockerfile)))
            throw new BuildFailedException($"No Dockerfile at {Path.Combine(options.ContextDirectory, options.Dockerfile)}.");

        var buildArgs = new Dictionary<string, string>(options.BuildArgs);
        if (options.BaseImage is { } baseImage)
            buildArgs[BaseImageArgument] = baseImage;

        var context = BuildContext.Select(options.ContextDirectory, options.Dockerfile);
        var before = context.Snapshot();
        var size = new CountingStream();
        var tarHash = await context.WriteAsync(size, cancellationToken);
        var baseId = options.BaseImage is null ? null : (await InspectAsync(options.BaseImage, cancellationToken))?.ID;
        var digest = ContextDigest(tarHash, options, buildArgs, baseId);
        log.Information($"Build context: {context.Paths.Count} entries, {size.Length / 1024.0 / 1024.0:0.0} MB, digest {digest[..19]}");

        if (options.Tags.Count > 0 && await FindUnchangedAsync(options.Tags, ContextDigestLabel, digest, cancellationToken) is { } unchanged)
            return unchanged;

        var previous = options.Tags.Count > 0 ? (await InspectAsync(options.Tags[0], cancellationToken))?.ID : null;
        var labels = new Dictionary<string, string>(options.Labels)
        {
            [ContextDigestLabel] = digest,
            [OciLabels.Created] = OciLabels.Timestamp(clock.GetUtcNow()),
        };

        // One LABEL step instead of one per label, where COPY cannot see the Dockerfile it is added to.
        var labelled = context.DockerfileIgnored
            ? DockerfileLabels.Append(await File.ReadAllTextAsync(Path.Combine(options.ContextDirectory, context.Dockerfile), cancellationToken), labels)
            : null;

        // Only written out when it is sent: a no-change run just reads and hashes.
        await using var tar = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        var sentHash = await context.WriteAsync(tar, cancellationToken, labelled);
        if (context.Snapshot() != before || (labelled is null && sentHash != tarHash))
            throw new BuildFailedException($"The build context {options.ContextDirectory} changed while it was being read; run again.");

        var parameters = new ImageBuildParameters
        {
            Dockerfile = context.Dockerfile,
            Tags = [.. options.Tags],
            BuildArgs = buildArgs,
            Labels = labelled is null ? labels : null,
            Remove = true,
            ForceRemove = true,
        };

        var output = new BuildOutput(log, options.StepLinesOnly);
        tar.Position = 0;
        try
        {
            await docker.Images.BuildImageFromDockerfileAsync(parameters, tar, null, null, output, cancellationToken);
        }
        catch (DockerApiException e)
        {
            throw new BuildFailedException($"The Docker engine refused the build: {EngineMessage(e.ResponseBody)}", e);
        }

        output.Flush();
        if (output.Failure is { } failure)
            throw new BuildFailedException(failure);

        var id = output.ImageId is { } built ? (await docker.Images.InspectImageAsync(built, cancellationToken)).ID
            : options.Tags.Count > 0 ? (await docker.Images.InspectImageAsync(options.Tags[0], cancellationToken)).ID
            : throw new BuildFailedException("The Docker engine reported no image id for the build.");
        if (previous is not null && previous != id)
            await RemoveOutdatedAsync(previous, cancellationToken);
        return new ImageBuildResult(id, options.Tags, digest, false);
    }

    /// <summary>
    /// The image the primary tag (<paramref name="tags"/>[0]) names when it carries <paramref name="label"/> =
    /// <paramref name="value"/>, with the other tags moved onto it; null when there is none (build it).
    /// </summary>
    public async Task<ImageBuildResult?> FindUnchangedAsync(IReadOnlyList<string> tags, string label, string value, CancellationToken cancellationToken = default)
    {
        var existing = await InspectAsync(tags[0], cancellationToken);
        if (existing?.Config?.Labels is not { } labels || !labels.TryGetValue(label, out var found) || found != value)
            return null;

        // Same commit and content, maybe built on another branch: only the missing tags move.
        foreach (var tag in tags.Skip(1))
        {
            if ((await InspectAsync(tag, cancellationToken))?.ID != existing.ID)
            {
                var colon = tag.LastIndexOf(':');
                await docker.Images.TagImageAsync(existing.ID, new ImageTagParameters { RepositoryName = tag[..colon], Tag = tag[(colon + 1)..], Force = true }, cancellationToken);
            }
        }

        return new ImageBuildResult(existing.ID, tags, (labels.TryGetValue(ContextDigestLabel, out var digest) ? digest : ""), true);
    }

    private static string ContextDigest(string tarHash, ImageBuildOptions options, Dictionary<string, string> buildArgs, string? baseId)
    {
        var inputs = new StringBuilder();
        inputs.Append("context ").Append(tarHash).Append('\n');
        inputs.Append("dockerfile ").Append(options.Dockerfile).Append('\n');
        foreach (var (name, value) in buildArgs.OrderBy(a => a.Key, StringComparer.Ordinal))
            inputs.Append("arg ").Append(name).Append('=').Append(value).Append('\n');
        foreach (var (name, value) in options.Labels.OrderBy(a => a.Key, StringComparer.Ordinal))
            inputs.Append("label ").Append(name).Append('=').Append(value).Append('\n');
        inputs.Append("base ").Append(baseId ?? "-").Append('\n');
        return "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(inputs.ToString())));
    }

    private async Task<ImageInspectResponse?> InspectAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            return await docker.Images.InspectImageAsync(image, cancellationToken);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
    }

    // The tags moved to the new build; the old image would linger untagged. Images still tagged (another branch)
    // or used by a container stay.
    private async Task RemoveOutdatedAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            if ((await InspectAsync(id, cancellationToken))?.RepoTags is { Count: 0 } or null)
                await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters(), cancellationToken);
        }
        catch (DockerApiException)
        {
        }
    }

    private static string EngineMessage(string body) =>
        body.TrimStart().StartsWith('{') && JsonNode.Parse(body)?["message"]?.GetValue<string>() is { } message ? message : body.Trim();

    private sealed class CountingStream : Stream
    {
        private long length;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => length;

        public override long Position
        {
            get => length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => length += count;
        public override void Write(ReadOnlySpan<byte> buffer) => length += buffer.Length;

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            length += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            length += count;
            return Task.CompletedTask;
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
