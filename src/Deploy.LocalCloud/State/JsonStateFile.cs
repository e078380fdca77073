using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deploy.LocalCloud.State;

/// <summary>
/// One service's state as a JSON document on disk. All access goes through one lock; every change is
/// written atomically (temp file + rename) before the lock is released, so a crash never leaves a torn file.
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
    private T state;

    /// <summary>Loads <paramref name="fileName"/> from <paramref name="stateDirectory"/>; <paramref name="ownerOnly"/>: it holds secrets, written with mode 0600.</summary>
    public JsonStateFile(string stateDirectory, string fileName, bool ownerOnly = false)
    {
        Directory.CreateDirectory(stateDirectory);
        path = Path.Combine(stateDirectory, fileName);
        this.ownerOnly = ownerOnly;
        state = Load();
    }

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
                state = Load();
                throw;
            }
        }
    }

    private T Load()
    {
        if (!File.Exists(path))
        {
            return new T();
        }

        using var stream = File.OpenRead(path);
        return JsonSerializer.Deserialize<T>(stream, SerializerOptions) ?? new T();
    }

    private void Save()
    {
        var temp = path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (ownerOnly && !OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            File.Delete(temp); // the mode applies only to a file being created
        }

        using (var stream = new FileStream(temp, create))
        {
            JsonSerializer.Serialize(stream, state, SerializerOptions);
        }

        File.Move(temp, path, overwrite: true);
    }
}
