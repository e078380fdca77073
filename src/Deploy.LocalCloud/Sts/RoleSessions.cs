using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Iam;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sts;

/// <summary>
/// What every way of assuming a role shares: the role named by an ARN, STS's checks of the session name and duration,
/// the temporary credentials (from <see cref="TemporaryCredentialStore"/>) and their response elements.
/// </summary>
internal sealed partial class RoleSessions(IamStore iam, TemporaryCredentialStore sessions, LocalCloudOptions options)
{
    /// <summary>A session assumed by another role's session lasts one hour at most (role chaining).</summary>
    public static readonly TimeSpan RoleChainingLimit = TimeSpan.FromHours(1);

    private const int MinimumDurationSeconds = 900;

    /// <summary>The role in this account named by <paramref name="roleArn"/>; a missing one is refused as STS does, with <paramref name="denied"/>.</summary>
    public RoleRecord Role(string roleArn, Func<AwsServiceException> denied)
    {
        var match = RoleArnPattern().Match(roleArn);
        if (!match.Success)
        {
            throw new AwsServiceException("ValidationError", $"{roleArn} is invalid: a role ARN is arn:aws:iam::<account>:role/<name>.");
        }

        var name = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        return iam.Read(state => state.Roles.GetValueOrDefault(name) is { } role && role.Arn == roleArn ? role : null) ?? throw denied();
    }

    public static void ValidateSessionName(string name)
    {
        if (name.Length is < 2 or > 64 || !SessionNamePattern().IsMatch(name))
        {
            throw new AwsServiceException("ValidationError",
                $"1 validation error detected: Value '{name}' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]* and have length 2 to 64");
        }
    }

    /// <summary>DurationSeconds (default one hour): at least 15 minutes, at most the role's MaxSessionDuration (and one hour when chaining).</summary>
    public static TimeSpan Duration(string? durationSeconds, RoleRecord role, bool chained)
    {
        if (durationSeconds is null)
        {
            return TemporaryCredentialStore.DefaultDuration;
        }

        if (!int.TryParse(durationSeconds, CultureInfo.InvariantCulture, out var seconds) || seconds < MinimumDurationSeconds)
        {
            throw new AwsServiceException("ValidationError",
                $"1 validation error detected: Value '{durationSeconds}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to {MinimumDurationSeconds}");
        }

        if (chained && seconds > RoleChainingLimit.TotalSeconds)
        {
            throw new AwsServiceException("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }

        return seconds > role.MaxSessionDuration
            ? throw new AwsServiceException("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
            : TimeSpan.FromSeconds(seconds);
    }

    public TemporaryCredentials Issue(RoleRecord role, string sessionName, TimeSpan duration) => sessions.Issue(role.Arn, sessionName, duration);

    /// <summary><c>Credentials</c> and <c>AssumedRoleUser</c>, as every AssumeRole* response carries them.</summary>
    public IEnumerable<XElement> Elements(XNamespace ns, TemporaryCredentials credentials)
    {
        var user = CallerIdentity.For(credentials, options.AccountId);
        yield return new XElement(ns + "Credentials",
            new XElement(ns + "AccessKeyId", credentials.AccessKeyId),
            new XElement(ns + "SecretAccessKey", credentials.SecretAccessKey),
            new XElement(ns + "SessionToken", credentials.SessionToken),
            new XElement(ns + "Expiration", credentials.Expiration.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)));
        yield return new XElement(ns + "AssumedRoleUser",
            new XElement(ns + "AssumedRoleId", user.UserId),
            new XElement(ns + "Arn", user.Arn));
    }

    public static AwsServiceException AccessDenied(string message) => new("AccessDenied", message, HttpStatusCode.Forbidden);

    [GeneratedRegex(@"^arn:aws[\w-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,64}$")]
    private static partial Regex RoleArnPattern();

    [GeneratedRegex(@"^[\w+=,.@-]*$")]
    private static partial Regex SessionNamePattern();
}
