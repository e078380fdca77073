using System.Security.Cryptography;
using System.Text;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Auth;

/// <summary>
/// Issues temporary credentials of a role and remembers them in <c>sessions.json</c> (owner-only: it holds secrets), so
/// they stay valid across a restart until they expire. The signature verifier and the git endpoint look keys up here.
/// </summary>
internal sealed class TemporaryCredentialStore(LocalCloudOptions options, IamStore iam, TimeProvider clock)
{
    /// <summary>STS's default and minimum session durations.</summary>
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromHours(1);

    /// <summary>Expired sessions are kept this long (so a late request gets "expired", not "unknown"), then dropped.</summary>
    private static readonly TimeSpan KeptAfterExpiry = TimeSpan.FromDays(1);

    private const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    private readonly JsonStateFile<SessionsState> file = new(options.StateDirectory, "sessions.json", ownerOnly: true);

    public TemporaryCredentials Issue(string roleArn, string sessionName, TimeSpan? duration = null)
    {
        var now = clock.GetUtcNow();
        var credentials = new TemporaryCredentials(
            "ASIA" + RandomBase32(16),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)),
            Convert.ToBase64String(RandomNumberGenerator.GetBytes(96)),
            now + (duration ?? DefaultDuration),
            roleArn,
            RoleId(roleArn),
            sessionName);
        file.Update(state =>
        {
            state.Sessions.RemoveAll(s => s.Expiration + KeptAfterExpiry < now);
            state.Sessions.Add(credentials);
            return true;
        });
        return credentials;
    }

    public TemporaryCredentials? Find(string accessKeyId) =>
        accessKeyId.StartsWith("ASIA", StringComparison.Ordinal) ? file.Read(state => state.Sessions.FirstOrDefault(s => s.AccessKeyId == accessKeyId)) : null;

    /// <summary>The role's id from IAM when the role exists there, else a stable one made from its ARN (AROA + 17).</summary>
    private string RoleId(string roleArn)
    {
        var name = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        var stored = iam.Read(state => state.Roles.GetValueOrDefault(name) is { } role && role.Arn == roleArn ? role.RoleId : null);
        if (stored is not null)
        {
            return stored;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(roleArn));
        return "AROA" + new string(hash.Take(17).Select(b => Base32[b % 32]).ToArray());
    }

    private static string RandomBase32(int length) =>
        new(RandomNumberGenerator.GetBytes(length).Select(b => Base32[b % 32]).ToArray());

    internal sealed class SessionsState
    {
        public List<TemporaryCredentials> Sessions { get; set; } = [];
    }
}
