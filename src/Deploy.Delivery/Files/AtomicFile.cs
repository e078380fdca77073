using System.Text;

namespace Deploy.Delivery.Files;

/// <summary>
/// Writes a whole file or nothing: the bytes go to a temporary file next to the target (same directory, so the same file
/// system), which is then renamed over it. Two runs in one checkout (artifacts/infra/template.json, outputs.json,
/// image.json, imagedefinitions.json) therefore never read each other's half-written file: a reader sees the old
/// content or the new one. The temporary name is unique per write, so two writers never share one.
/// </summary>
public static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="content"/>, creating its directory.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temporary = Temporary(path);
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                file.Write(content);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> as UTF-8 without a byte order mark.</summary>
    public static void WriteAllText(string path, string text) => WriteAllBytes(path, Utf8.GetBytes(text));

    public static async Task WriteAllTextAsync(string path, string text, CancellationToken cancellationToken = default)
    {
        var temporary = Temporary(path);
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, useAsync: true))
            {
                await file.WriteAsync(Utf8.GetBytes(text), cancellationToken);
                await file.FlushAsync(cancellationToken);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static string Temporary(string path)
    {
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
    }
}
