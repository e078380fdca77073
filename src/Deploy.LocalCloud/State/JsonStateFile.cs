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
    private T state;

    public JsonStateFile(string stateDirectory, string fileName)
    {
        Directory.CreateDirectory(stateDirectory);
        path = Path.Combine(stateDirectory, fileName);
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
        using (var stream = File.Create(temp))
        {
            JsonSerializer.Serialize(stream, state, SerializerOptions);
        }

        File.Move(temp, path, overwrite: true);
    }
}
