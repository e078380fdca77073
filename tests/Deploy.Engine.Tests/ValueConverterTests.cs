using Deploy.Engine;

namespace Deploy.Engine.Tests;

public sealed class ValueConverterTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("1h", 3600)]
    [InlineData("1h30m", 5400)]
    [InlineData("00:15:00", 900)]
    public void Durations_accept_short_and_clock_forms(string text, int seconds)
    {
        Assert.True(ValueConverter.TryConvert(typeof(TimeSpan), [text], out var value, out _));
        Assert.Equal(TimeSpan.FromSeconds(seconds), value);
    }

    [Theory]
    [InlineData("yes", true)]
    [InlineData("1", true)]
    [InlineData("TRUE", true)]
    [InlineData("no", false)]
    [InlineData("0", false)]
    public void Booleans_accept_common_spellings(string text, bool expected)
    {
        Assert.True(ValueConverter.TryConvert(typeof(bool), [text], out var value, out _));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void Bad_values_explain_what_was_expected()
    {
        Assert.False(ValueConverter.TryConvert(typeof(TimeSpan), ["soon"], out _, out var duration));
        Assert.Equal("'soon' is not a duration (e.g. 90s, 15m, 1h30m, 00:15:00)", duration);
        Assert.False(ValueConverter.TryConvert(typeof(Stage), ["qa"], out _, out var stage));
        Assert.Equal("'qa' is not one of dev, pre-prod, prod", stage);
        Assert.False(ValueConverter.TryConvert(typeof(int?), ["1", "2"], out _, out var count));
        Assert.StartsWith("expects one value", count, StringComparison.Ordinal);
    }

    [Fact]
    public void Arrays_split_on_commas_and_convert_each_item()
    {
        Assert.True(ValueConverter.TryConvert(typeof(int[]), ["1,2", "3"], out var value, out _));
        Assert.Equal([1, 2, 3], Assert.IsType<int[]>(value));
    }

    [Fact]
    public void Durations_format_compactly()
    {
        Assert.Equal("15m", ValueConverter.Format(TimeSpan.FromMinutes(15)));
        Assert.Equal("1h30m", ValueConverter.Format(TimeSpan.FromMinutes(90)));
        Assert.Equal("(none)", ValueConverter.Format(null));
    }
}

public sealed class NameMatcherTests
{
    [Theory]
    [InlineData("MaxAttempts", "max-attempts", "MAX_ATTEMPTS")]
    [InlineData("EcrURL", "ecr-url", "ECR_URL")]
    [InlineData("AWSRegion", "aws-region", "AWS_REGION")]
    [InlineData("Push_Ecr", "push-ecr", "PUSH_ECR")]
    public void Member_names_become_kebab_options_and_upper_snake_variables(string name, string kebab, string environment)
    {
        Assert.Equal(kebab, NameMatcher.ToKebab(name));
        Assert.Equal(environment, NameMatcher.ToEnvironment(name));
    }

    [Fact]
    public void Suggestions_are_offered_only_for_plausible_typos()
    {
        Assert.Equal("PushEcr", NameMatcher.Suggest("push-ecrr", ["BuildImage", "PushEcr"]));
        Assert.Null(NameMatcher.Suggest("completely-different", ["BuildImage", "PushEcr"]));
    }
}
