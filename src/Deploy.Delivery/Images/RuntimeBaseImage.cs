using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Images;

/// <summary>
/// Picks the runtime base image for the service: the wanted reference when the engine has it or can pull it,
/// otherwise an equivalent produced offline from the host's Debian packages (no registry needed).
/// </summary>
public sealed class RuntimeBaseImage(IDockerClient docker)
{
    public const string Standard = "mcr.microsoft.com/dotnet/runtime-deps:10.0";
    public const string LocalRepository = "deploy-local/runtime-deps";

    /// <summary>Names the host's release the packages come from, e.g. <c>10.0-debian12</c>.</summary>
    public static readonly string LocalTag = "10.0-" + HostRelease(File.Exists("/etc/os-release") ? File.ReadAllLines("/etc/os-release") : []);

    public static readonly string Local = LocalRepository + ":" + LocalTag;

    /// <summary>Hash of the root file system and image config that a produced image was made from.</summary>
    public const string RecipeLabel = "deploy.base-image.recipe";

    /// <summary><see cref="DebianRootFileSystem.HostStamp"/> and the config when it was produced: a match reuses it unread.</summary>
    public const string HostStampLabel = "deploy.base-image.host-stamp";

    // What runtime-deps sets, so the service behaves the same on either base.
    private static readonly string[] Config = ["ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true"];

    /// <summary>How long a pull may take before the local equivalent is used instead.</summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public async Task<BaseImageChoice> ResolveAsync(string wanted = Standard, CancellationToken cancellationToken = default)
    {
        if (await InspectAsync(wanted, cancellationToken) is { } present)
            return new BaseImageChoice(wanted, present.ID, false, $"{wanted} is present in the Docker engine");

        var pullFailure = await TryPullAsync(wanted, cancellationToken);
        if (pullFailure is null)
            return new BaseImageChoice(wanted, (await docker.Images.InspectImageAsync(wanted, cancellationToken)).ID, false, $"pulled {wanted}");

        return await ProduceAsync($"{wanted} could not be pulled ({pullFailure})", cancellationToken);
    }

    private async Task<BaseImageChoice> ProduceAsync(string why, CancellationToken cancellationToken)
    {
        // Writing and hashing the root file system reads ~100 MB; the stamp of the package lists says first whether it can have changed.
        var stamp = HostStamp();
        var existing = await InspectAsync(Local, cancellationToken);
        if (existing is not null && Label(existing, HostStampLabel) == stamp && Label(existing, RecipeLabel) is { Length: >= 12 } kept)
            return new BaseImageChoice(Local, existing.ID, true, $"{why}; reused {Local}, its packages are unchanged (recipe {kept[..12]})");

        await using var rootFileSystem = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose);
        DebianRootFileSystem.Write(rootFileSystem);
        var recipe = await RecipeAsync(rootFileSystem, cancellationToken);
        // Same recipe under a new stamp (a package reinstalled as it was) is imported again only to carry the new
        // stamp: docker keeps the layer, and later runs skip the read.
        var sameRecipe = Label(existing, RecipeLabel) == recipe;

        rootFileSystem.Position = 0;
        var errors = new ErrorRecorder();
        var import = new ImagesCreateParameters
        {
            FromSrc = "-",
            Repo = LocalRepository,
            Tag = LocalTag,
            Changes = [.. Config, $"LABEL {RecipeLabel}={recipe} {HostStampLabel}={stamp}"],
        };
        await docker.Images.CreateImageAsync(import, rootFileSystem, null, errors, cancellationToken);
        if (errors.Last is { } error)
            throw new InvalidOperationException($"Importing {Local} failed: {error}");
        if (existing is not null)
            await RemoveOutdatedAsync(existing.ID, cancellationToken);

        var id = (await docker.Images.InspectImageAsync(Local, cancellationToken)).ID;
        if (sameRecipe)
            return new BaseImageChoice(Local, id, true, $"{why}; re-imported {Local} with its recipe {recipe[..12]} unchanged (its package lists were touched)");
        var packages = string.Join(", ", DebianRootFileSystem.Packages);
        return new BaseImageChoice(Local, id, true, $"{why}; produced {Local} (recipe {recipe[..12]}) from this host's Debian packages: {packages}");
    }

    private static string? Label(ImageInspectResponse? image, string name) =>
        image?.Config?.Labels is { } labels && labels.TryGetValue(name, out var value) ? value : null;

    // The config is part of what the image is, like the root file system.
    private static string HostStamp() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(DebianRootFileSystem.HostStamp() + "\n" + string.Join('\n', Config))));

    private static async Task<string> RecipeAsync(Stream rootFileSystem, CancellationToken cancellationToken)
    {
        rootFileSystem.Position = 0;
        var contentHash = await SHA256.HashDataAsync(rootFileSystem, cancellationToken);
        var recipe = contentHash.Concat(Encoding.UTF8.GetBytes(string.Join('\n', Config))).ToArray();
        return Convert.ToHexStringLower(SHA256.HashData(recipe));
    }

    private async Task<string?> TryPullAsync(string image, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PullTimeout);
        var errors = new ErrorRecorder();
        try
        {
            await docker.Images.CreateImageAsync(new ImagesCreateParameters { FromImage = image }, null, errors, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no pull within {PullTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s";
        }
        catch (DockerApiException e)
        {
            return EngineMessage(e.ResponseBody);
        }

        // The engine reports some failures in the progress stream rather than the status code.
        return await InspectAsync(image, cancellationToken) is null ? errors.Last ?? "the engine did not store it" : null;
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

    // The tag moved to the new import; the old one would linger untagged. Images still in use stay.
    private async Task RemoveOutdatedAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await docker.Images.DeleteImageAsync(id, new ImageDeleteParameters(), cancellationToken);
        }
        catch (DockerApiException)
        {
        }
    }

    /// <summary><c>ID</c> and <c>VERSION_ID</c> of an os-release file, e.g. <c>debian12</c>; <c>debian</c> when absent.</summary>
    public static string HostRelease(IEnumerable<string> osRelease)
    {
        var fields = osRelease
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .GroupBy(pair => pair[0].Trim())
            .ToDictionary(group => group.Key, group => group.Last()[1].Trim().Trim('"', '\''));
        var id = fields.GetValueOrDefault("ID") is { Length: > 0 } name ? name : "debian";
        var version = fields.GetValueOrDefault("VERSION_ID") ?? string.Empty;
        var release = new string((id + version).Where(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-').ToArray()).ToLowerInvariant();
        return release.Length > 0 ? release : "debian";
    }

    // The engine answers {"message":"..."}; the message alone reads better in a build log.
    private static string EngineMessage(string body) =>
        body.TrimStart().StartsWith('{') && JsonNode.Parse(body)?["message"]?.GetValue<string>() is { } message ? message : body.Trim();

    // Records synchronously (unlike Progress<T>), so the error is there when the call returns.
    private sealed class ErrorRecorder : IProgress<JSONMessage>
    {
        public string? Last { get; private set; }

        public void Report(JSONMessage value) => Last = value.Error?.Message ?? Last;
    }
}
