using System.Globalization;

namespace Deploy.Delivery.Images;

/// <summary>The OCI image annotation keys the service image carries.</summary>
public static class OciLabels
{
    public const string Revision = "org.opencontainers.image.revision";
    public const string Source = "org.opencontainers.image.source";
    public const string Created = "org.opencontainers.image.created";
    public const string Version = "org.opencontainers.image.version";

    /// <summary>Revision, source (when known) and version; <see cref="Created"/> is added at build time.</summary>
    public static IReadOnlyDictionary<string, string> For(SourceRevision revision, string version)
    {
        var labels = new Dictionary<string, string> { [Revision] = revision.Commit, [Version] = version };
        if (revision.SourceUrl is { } source)
            labels[Source] = source;
        return labels;
    }

    /// <summary>RFC 3339 in UTC, to the second.</summary>
    public static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
