using System.Globalization;

namespace Deploy.LocalCloud.State;

/// <summary>
/// One local cloud per state directory, across processes: two writing the same JSON files would lose each other's
/// changes and run each other's containers. The lock is an exclusive lock (flock) on <c>&lt;state&gt;/.lock</c>, which
/// the kernel releases when the process ends, however it ends; <c>local-cloud.pid</c> names the holder.
/// </summary>
internal sealed class StateDirectoryLock : IDisposable
{
    public const string LockFileName = ".lock";
    public const string PidFileName = "local-cloud.pid";

    private readonly FileStream handle;
    private readonly string pidFile;

    private StateDirectoryLock(FileStream handle, string pidFile)
    {
        this.handle = handle;
        this.pidFile = pidFile;
    }

    /// <summary>Takes the lock or throws <see cref="StateDirectoryInUseException"/> naming the directory and the holder.</summary>
    public static StateDirectoryLock Acquire(string stateDirectory)
    {
        var directory = Path.GetFullPath(stateDirectory);
        Directory.CreateDirectory(directory);
        var pidFile = Path.Combine(directory, PidFileName);
        FileStream handle;
        try
        {
            // FileShare.None is an exclusive flock on Unix; a second open, from any process, fails at once.
            handle = new FileStream(Path.Combine(directory, LockFileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            var holder = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "";
            throw new StateDirectoryInUseException(directory, holder.Length > 0 ? holder : null);
        }

        File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new StateDirectoryLock(handle, pidFile);
    }

    public void Dispose()
    {
        File.Delete(pidFile);
        handle.Dispose();
    }
}

/// <summary>The state directory cannot be used as it is; the message is the one line to show (what, which path, what to do).</summary>
public class LocalCloudStateException(string message) : Exception(message);

/// <summary>Another local cloud holds the state directory.</summary>
public sealed class StateDirectoryInUseException(string stateDirectory, string? holderPid)
    : LocalCloudStateException($"The state directory {stateDirectory} is in use by another local cloud ({(holderPid is null ? "pid unknown" : "pid " + holderPid)}): "
                + "stop that one (./build.sh LocalCloudDown, or Ctrl+C where it runs) or pass another --state-dir.")
{
    public string StateDirectory { get; } = stateDirectory;
}
