using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deploy.LocalCloud.State;

/// <summary>
/// One service's state as a JSON document on disk. All access goes through one lock; every change is written before the
/// lock is released: to a temp file of its own, flushed to disk, then renamed over the file, whose previous version
/// stays as <c>&lt;file&gt;.bak</c> (a hard link, no copy). A crash never leaves a torn file, and a file found damaged
/// at start (empty, or not JSON) is moved aside and reported, and the last good version is used: never a crash at
/// start-up, never a silent loss.
/// </summary>
internal sealed class JsonStateFile<T> where T : class, new()
{
    internal static readonly JsonSerializerOptions SerializerOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock gate = new();
    private readonly string path;
    private readonly bool ownerOnly;
    private readonly Action<string> report;
    private readonly Action<T> afterLoad;
    private T state;

    /// <summary>
    /// Loads <paramref name="fileName"/> from <paramref name="stateDirectory"/>; <paramref name="ownerOnly"/>: it holds
    /// secrets, written with mode 0600. <paramref name="report"/> hears about a damaged file (default: standard error,
    /// which is the local cloud's log). <paramref name="afterLoad"/> completes a loaded document from elsewhere (log events
    /// kept in their own files), at start and whenever a failed change is rolled back.
    /// </summary>
    public JsonStateFile(string stateDirectory, string fileName, bool ownerOnly = false, Action<string>? report = null, Action<T>? afterLoad = null)
    {
        Directory.CreateDirectory(stateDirectory);
        path = Path.Combine(stateDirectory, fileName);
        this.ownerOnly = ownerOnly;
        this.report = report ?? Console.Error.WriteLine;
        this.afterLoad = afterLoad ?? (_ => { });
        state = LoadAtStart();
        this.afterLoad(state);
    }

    public string BackupPath => path + ".bak";

    public TResult Read<TResult>(Func<T, TResult> read)
    {
        lock (gate)
        {
            return read(state);
        }
    }

    public TResult Update<TResult>(Func<T, TResult> change)
    {
        lock (gate)
        {
            try
            {
                var result = change(state);
                Save();
                return result;
            }
            catch
            {
                // A change that failed halfway must not stick: go back to what is on disk.
                // (No file yet: the first change of this service failed; it started from an empty state.)
                state = (File.Exists(path) ? Load(path) : null) ?? new T();
                afterLoad(state);
                throw;
            }
        }
    }

    /// <summary>The file; if it is damaged, the last good version (kept as .bak), the damaged one moved aside and reported.</summary>
    private T LoadAtStart()
    {
        if (!File.Exists(path))
        {
            // A crash between the backup and the rename can leave only the backup: that is the last good version.
            if (File.Exists(BackupPath) && TryLoad(BackupPath) is { } previous)
            {
                File.Copy(BackupPath, path);
                report($"State file {path} was missing: went on with its last good version ({BackupPath}).");
                return previous;
            }

            return new T();
        }

        string problem;
        try
        {
            var loaded = Load(path);
            if (loaded is not null)
            {
                return loaded;
            }

            problem = "is empty";
        }
        catch (JsonException e)
        {
            problem = $"is not valid JSON ({e.Message.Split('.')[0]})";
        }

        var aside = $"{path}.corrupt-{DateTime.UtcNow.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture)}";
        File.Move(path, aside);
        // A backup no better than the file: start empty; both files stay for a person to look at.
        if (File.Exists(BackupPath) && TryLoad(BackupPath) is { } backup)
        {
            File.Copy(BackupPath, path);
            report($"State file {path} {problem}: kept it as {aside} and went on with the last good version ({BackupPath}).");
            return backup;
        }

        report($"State file {path} {problem} and has no good backup: kept it as {aside} and started this service's state empty.");
        return new T();
    }

    private static T? TryLoad(string file)
    {
        try
        {
            return Load(file);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The document, or null when the file is empty (or holds JSON null).</summary>
    private static T? Load(string file)
    {
        using var stream = File.OpenRead(file);
        return stream.Length == 0 ? null : JsonSerializer.Deserialize<T>(stream, SerializerOptions);
    }

    private void Save()
    {
        // Unique per writer: two writers (or a crashed one's leftover) never share a temp file.
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, create))
            {
                JsonSerializer.Serialize(stream, state, SerializerOptions);
                stream.Flush(flushToDisk: true); // on disk before the rename makes it the file
            }

            if (File.Exists(path))
            {
                File.Replace(temp, path, BackupPath, ignoreMetadataErrors: true);
            }
            else
            {
                File.Move(temp, path);
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }
}
