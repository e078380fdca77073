using System.Globalization;
using System.Runtime.InteropServices;

namespace Deploy.LocalCloud.State;

/// <summary>
/// One local cloud per state directory, across processes: two writing the same JSON files would lose each other's
/// changes and run each other's containers. The lock is an exclusive flock on the state directory itself (not on a file
/// in it: .NET takes a shared flock to read any file, so a locked file would be unreadable to tools scanning the
/// directory); the kernel releases it when the process ends, however it ends. <c>local-cloud.pid</c> names the holder.
/// </summary>
internal sealed class StateDirectoryLock : IDisposable
{
    public const string PidFileName = "local-cloud.pid";

    private const int ReadOnly = 0; // O_RDONLY opens a directory too
    private const int CloseOnExec = 0x80000; // O_CLOEXEC (Linux): containers and git processes must not inherit it
    private const int Exclusive = 2; // LOCK_EX
    private const int NonBlocking = 4; // LOCK_NB

    private readonly int descriptor;
    private readonly string pidFile;
    private bool disposed;

    private StateDirectoryLock(int descriptor, string pidFile)
    {
        this.descriptor = descriptor;
        this.pidFile = pidFile;
    }

    /// <summary>Takes the lock or throws <see cref="StateDirectoryInUseException"/> naming the directory and the holder.</summary>
    public static StateDirectoryLock Acquire(string stateDirectory)
    {
        var directory = Path.GetFullPath(stateDirectory);
        Directory.CreateDirectory(directory);
        var pidFile = Path.Combine(directory, PidFileName);
        if (OperatingSystem.IsWindows())
        {
            return new StateDirectoryLock(-1, pidFile); // no flock there; the local cloud runs on Linux
        }

        var descriptor = Open(directory, ReadOnly | CloseOnExec);
        if (descriptor < 0)
        {
            throw new LocalCloudStateException($"Cannot open the state directory {directory} to lock it (errno {Marshal.GetLastPInvokeError()}).");
        }

        if (Flock(descriptor, Exclusive | NonBlocking) != 0)
        {
            _ = Close(descriptor);
            var holder = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "";
            throw new StateDirectoryInUseException(directory, holder.Length > 0 ? holder : null);
        }

        File.WriteAllText(pidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return new StateDirectoryLock(descriptor, pidFile);
    }

    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        File.Delete(pidFile);
        if (descriptor >= 0)
        {
            _ = Close(descriptor); // closing the last descriptor of the open directory releases the flock
        }
    }

    // DllImport, not LibraryImport: that one needs unsafe code for the project; these are plain ints and a UTF-8 path.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Flock(int descriptor, int operation);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Close(int descriptor);
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
