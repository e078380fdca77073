namespace Deploy.Engine;

/// <summary>Replaces known secret values with <c>***</c>.</summary>
public interface ISecretMasker
{
    /// <summary>Registers a value to mask from now on.</summary>
    void Add(string secret);

    /// <summary>Returns <paramref name="text"/> with every registered secret replaced by <c>***</c>.</summary>
    string Mask(string text);
}

/// <summary>
/// Thread-safe masker. Values shorter than three characters are ignored, because masking them
/// would mangle ordinary output without protecting anything real.
/// </summary>
public sealed class SecretMasker : ISecretMasker
{
    /// <summary>The replacement text.</summary>
    public const string Replacement = "***";

    private const int MinimumLength = 3;
    private readonly Lock gate = new();
    private string[] secrets = [];

    /// <inheritdoc />
    public void Add(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var values = new List<string> { secret.Trim() };

        // Multi-line secrets (keys) are printed line by line by most tools.
        values.AddRange(secret.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        lock (gate)
        {
            secrets = [.. secrets.Concat(values.Where(v => v.Length >= MinimumLength))
                .Distinct(StringComparer.Ordinal)
                .OrderByDescending(v => v.Length)];
        }
    }

    /// <inheritdoc />
    public string Mask(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var current = secrets;
        foreach (var secret in current)
            text = text.Replace(secret, Replacement, StringComparison.Ordinal);
        return text;
    }
}
