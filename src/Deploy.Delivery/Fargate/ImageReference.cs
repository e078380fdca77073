namespace Deploy.Delivery.Fargate;

/// <summary>
/// An image in a registry, by tag (<c>repo:tag</c>) or by digest (<c>repo@sha256:…</c>). The deployer resolves a tag to its
/// digest through ECR, so a task definition always names the exact image it was verified against.
/// </summary>
/// <param name="Repository">The repository URI without tag or digest, e.g. <c>123456789012.dkr.ecr.eu-west-1.amazonaws.com/app</c>.</param>
/// <param name="Tag">The tag, when given by tag.</param>
/// <param name="Digest">The digest, when given by digest (<c>sha256:…</c>).</param>
public sealed record ImageReference(string Repository, string? Tag, string? Digest)
{
    /// <summary>The repository's name inside its registry: the URI's path (<c>app</c>, <c>team/app</c>).</summary>
    public string RepositoryName
    {
        get
        {
            var slash = Repository.IndexOf('/', StringComparison.Ordinal);
            return slash < 0 ? Repository : Repository[(slash + 1)..];
        }
    }

    /// <summary>The account of an ECR registry host (<c>&lt;account&gt;.dkr.ecr.&lt;region&gt;.…</c>); null for other hosts.</summary>
    public string? RegistryId
    {
        get
        {
            var slash = Repository.IndexOf('/', StringComparison.Ordinal);
            var host = slash < 0 ? "" : Repository[..slash];
            var dot = host.IndexOf(".dkr.ecr.", StringComparison.Ordinal);
            return dot == 12 && host[..dot].All(char.IsAsciiDigit) ? host[..dot] : null;
        }
    }

    /// <summary>The same repository pinned to <paramref name="digest"/>.</summary>
    public ImageReference WithDigest(string digest) => new(Repository, null, digest);

    /// <summary>Parses <c>repository:tag</c>, <c>repository@digest</c> or <c>repository:tag@digest</c> (the digest wins).</summary>
    /// <exception cref="FormatException">Neither a tag nor a digest is given.</exception>
    public static ImageReference Parse(string reference)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var original = reference.Trim();
        reference = original;
        string? digest = null;
        var at = reference.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = reference[(at + 1)..];
            reference = reference[..at];
        }

        string? tag = null;
        var colon = reference.LastIndexOf(':');
        if (colon > reference.LastIndexOf('/'))
        {
            tag = reference[(colon + 1)..];
            reference = reference[..colon];
        }

        if (reference.Length == 0 || !reference.Contains('/', StringComparison.Ordinal) || (tag is null && digest is null) || tag?.Length == 0 || digest?.Length == 0)
        {
            throw new FormatException($"'{original}' is not an image reference of the form <registry>/<repository>:<tag> or <registry>/<repository>@sha256:<digest>.");
        }

        return digest is null ? new ImageReference(reference, tag, null) : new ImageReference(reference, null, digest);
    }

    /// <summary>
    /// Parses <paramref name="reference"/>, completing a reference without a registry host (<c>app:tag</c>,
    /// <c>team/app@sha256:…</c>) with <paramref name="registry"/> (e.g. the platform repository's host), as docker
    /// completes one with Docker Hub: a first path component is a host when it has a '.' or ':' or is <c>localhost</c>.
    /// </summary>
    /// <exception cref="FormatException">Neither a tag nor a digest is given.</exception>
    public static ImageReference Parse(string reference, string registry)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        ArgumentException.ThrowIfNullOrWhiteSpace(registry);
        var trimmed = reference.Trim();
        var slash = trimmed.IndexOf('/', StringComparison.Ordinal);
        var first = slash < 0 ? "" : trimmed[..slash];
        var hasHost = first.Length > 0 && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost");
        return Parse(hasHost ? trimmed : $"{registry.TrimEnd('/')}/{trimmed}");
    }

    /// <summary><c>repository@digest</c> when pinned, else <c>repository:tag</c>.</summary>
    public override string ToString() => Digest is not null ? $"{Repository}@{Digest}" : $"{Repository}:{Tag}";
}
