using Amazon.Runtime;

namespace Deploy.Aws;

/// <summary>
/// Credentials that report every new set the inner credentials hand out: the SDK refreshes temporary credentials (SSO,
/// web identity, container, assumed roles) on its own during a long build, and each new secret key and session token
/// must be known to the output masker before a request signed with it can print anything.
/// </summary>
internal sealed class ObservedCredentials(AWSCredentials inner, Action<ImmutableCredentials> observer) : AWSCredentials
{
    private ImmutableCredentials? last;

    public AWSCredentials Inner => inner;

    public override ImmutableCredentials GetCredentials() => Seen(inner.GetCredentials());

    public override async Task<ImmutableCredentials> GetCredentialsAsync() => Seen(await inner.GetCredentialsAsync().ConfigureAwait(false));

    private ImmutableCredentials Seen(ImmutableCredentials credentials)
    {
        // The SDK hands out copies of the same values until it refreshes; report each new set once.
        var previous = Interlocked.Exchange(ref last, credentials);
        if (credentials is not null && (previous is null || previous.SecretKey != credentials.SecretKey || previous.Token != credentials.Token))
        {
            observer(credentials);
        }

        return credentials!;
    }
}
