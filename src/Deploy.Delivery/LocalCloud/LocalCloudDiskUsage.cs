using System.Globalization;

namespace Deploy.Delivery.LocalCloud;

/// <summary>
/// What the local cloud keeps on disk after it stops: its whole state directory, and the two parts that grow with pushes,
/// the registry's blobs and its (interrupted) uploads, so LocalCloudDown can say what is left behind.
/// </summary>
/// <param name="Total">Bytes under the state directory.</param>
/// <param name="Blobs">Bytes under <c>registry/blobs</c> (pushed layers and manifests).</param>
/// <param name="Uploads">Bytes under <c>registry/uploads</c> (uploads in progress or abandoned; purged after an hour).</param>
public sealed record LocalCloudDiskUsage(long Total, long Blobs, long Uploads)
{
    /// <summary>Measures <paramref name="stateDirectory"/>; a missing directory holds nothing.</summary>
    public static LocalCloudDiskUsage Measure(string stateDirectory) => new(
        SizeOf(stateDirectory),
        SizeOf(Path.Combine(stateDirectory, "registry", "blobs")),
        SizeOf(Path.Combine(stateDirectory, "registry", "uploads")));

    /// <summary><c>12.3 MB on disk in &lt;dir&gt; (registry blobs 11.9 MB, uploads 0 B)</c>.</summary>
    public string Describe(string shownDirectory) =>
        $"{Format(Total)} on disk in {shownDirectory} (registry blobs {Format(Blobs)}, uploads {Format(Uploads)})";

    /// <summary>Bytes in binary units with one decimal: <c>0 B</c>, <c>512 B</c>, <c>1.5 KB</c>, <c>146.0 MB</c>.</summary>
    public static string Format(long bytes)
    {
        string[] units = ["KB", "MB", "GB", "TB"];
        if (bytes < 1024)
        {
            return bytes.ToString(CultureInfo.InvariantCulture) + " B";
        }

        var value = (double)bytes;
        var unit = -1;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return value.ToString("0.0", CultureInfo.InvariantCulture) + " " + units[unit];
    }

    private static long SizeOf(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        long total = 0;
        var walk = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (var file in new DirectoryInfo(directory).EnumerateFiles("*", walk))
        {
            try
            {
                total += file.Length;
            }
            catch (FileNotFoundException)
            {
                // Removed while measured (an upload completed or purged).
            }
        }

        return total;
    }
}
