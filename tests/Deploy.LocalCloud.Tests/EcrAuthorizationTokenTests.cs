using System.Text;
using Deploy.LocalCloud.Auth;
using Deploy.LocalCloud.Ecr;

namespace Deploy.LocalCloud.Tests;

public sealed class EcrAuthorizationTokenTests
{
    private static readonly LocalCredentials Options = new("local", "the-local-secret-for-tokens", "us-east-1");

    [Fact]
    public void A_password_is_valid_for_user_AWS_until_it_expires_twelve_hours_later()
    {
        var clock = new MovableClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var tokens = new EcrAuthorizationTokens(Options, clock);
        var (token, expiresAt) = tokens.Issue();
        var password = Encoding.UTF8.GetString(Convert.FromBase64String(token))["AWS:".Length..];

        Assert.Equal(clock.Now.AddHours(12), expiresAt);
        Assert.True(tokens.IsValid("AWS", password));
        Assert.False(tokens.IsValid("admin", password));
        clock.Now = clock.Now.AddHours(12).AddSeconds(1);
        Assert.False(tokens.IsValid("AWS", password));
    }

    [Fact]
    public void A_password_names_the_key_that_asked_for_it_and_expires_no_later_than_its_session()
    {
        var clock = new MovableClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var tokens = new EcrAuthorizationTokens(Options, clock);
        var (token, expiresAt) = tokens.Issue("ASIASESSIONKEY000001", clock.Now.AddHours(1));
        var password = Encoding.UTF8.GetString(Convert.FromBase64String(token))["AWS:".Length..];
        var forged = password.Replace("ASIASESSIONKEY000001", "ASIASESSIONKEY000002", StringComparison.Ordinal);

        Assert.Equal(clock.Now.AddHours(1), expiresAt);
        Assert.Equal("ASIASESSIONKEY000001", tokens.Verify("AWS", password));
        Assert.Null(tokens.Verify("AWS", forged));
        Assert.Equal("local", tokens.Verify("AWS", Encoding.UTF8.GetString(Convert.FromBase64String(tokens.Issue().Base64Token))["AWS:".Length..]));
    }

    [Fact]
    public void A_password_made_with_another_secret_or_edited_is_refused()
    {
        var clock = new MovableClock(DateTimeOffset.UtcNow);
        var (token, _) = new EcrAuthorizationTokens(Options with { SecretAccessKey = "other" }, clock).Issue();
        var password = Encoding.UTF8.GetString(Convert.FromBase64String(token))["AWS:".Length..];
        var tokens = new EcrAuthorizationTokens(Options, clock);

        Assert.False(tokens.IsValid("AWS", password));
        Assert.False(tokens.IsValid("AWS", "not-a-password"));
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
