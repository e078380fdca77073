namespace Deploy.Delivery.Images;

/// <summary>What <see cref="ImageBuilder"/> builds.</summary>
/// <param name="ContextDirectory">The build context; its <c>.dockerignore</c> applies.</param>
/// <param name="Tags">Full references (<c>repository:tag</c>). The first is the primary tag: when it already names an
/// image built from the same context digest, nothing is rebuilt.</param>
public sealed record ImageBuildOptions(string ContextDirectory, IReadOnlyList<string> Tags)
{
    /// <summary>The Dockerfile, relative to the context directory.</summary>
    public string Dockerfile { get; init; } = "Dockerfile";

    /// <summary>Docker build arguments (<c>ARG</c> values).</summary>
    public IReadOnlyDictionary<string, string> BuildArgs { get; init; } = new Dictionary<string, string>();

    /// <summary>Labels set on the image, e.g. <see cref="OciLabels.For"/>. The creation time is added by the builder.</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>Passed as the <c>BASE_IMAGE</c> build argument when set; its image id is part of the context digest.</summary>
    public string? BaseImage { get; init; }

    /// <summary>Print only <c>Step N/M</c> lines (CI logs); the failing step's output is in the exception either way.</summary>
    public bool StepLinesOnly { get; init; }
}

/// <summary>The built (or found unchanged) image.</summary>
/// <param name="Id">The image id (<c>sha256:...</c>).</param>
/// <param name="Tags">The tags that now name it.</param>
/// <param name="ContextDigest">The <see cref="ImageBuilder.ContextDigestLabel"/> value.</param>
/// <param name="Unchanged">True when an image from the same context digest already had the primary tag.</param>
public sealed record ImageBuildResult(string Id, IReadOnlyList<string> Tags, string ContextDigest, bool Unchanged);
