using System.Security.Cryptography;
using System.Text;

namespace Deploy.LocalCloud.Auth;

/// <summary>
/// The local cloud's long-term secret, one per state directory: random on first start, then kept in
/// <c>&lt;state&gt;/secret-access-key</c>, readable by the owner only. A fixed, published secret would let any process of
/// the machine drive the local cloud (and through it Docker); the build and the tests read the secret from this file.
/// </summary>
internal static class LocalSecretFile
{
    /// <summary>Also known to the build's launcher (Deploy.Delivery LocalCloudLauncher.SecretFileName, another assembly).</summary>
    public const string FileName = "secret-access-key";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static string PathIn(string stateDirectory) => Path.Combine(stateDirectory, FileName);

    public static string LoadOrCreate(string stateDirectory)
    {
        Directory.CreateDirectory(stateDirectory);
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
        {
            Create(path);
        }
        else if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & ~OwnerOnly) != 0)
        {
            File.SetUnixFileMode(path, OwnerOnly); // someone loosened it: the secret is for this user only
        }

        var secret = File.ReadAllText(path).Trim();
        return secret.Length >= 16
            ? secret
            : throw new State.LocalCloudStateException($"The local cloud's secret file {path} is empty or damaged: delete it to have a new secret made (the env file is rewritten at the next ./build.sh LocalCloud).");
    }

    private static void Create(string path)
    {
        // 30 random bytes: 40 characters, the length of an AWS secret access key.
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(30));
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var stream = new FileStream(temp, options))
        {
            stream.Write(Encoding.ASCII.GetBytes(secret + "\n"));
            stream.Flush(flushToDisk: true);
        }

        try
        {
            // No overwrite: a local cloud racing this one to its first start keeps the secret it made first.
            File.Move(temp, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
        }
    }
}
