using System.Text.RegularExpressions;
using Deploy.Engine;
using Docker.DotNet.Models;

namespace Deploy.Delivery.Registry;

/// <summary>
/// Reads the engine's push stream: on a terminal one line per layer state change (not per progress tick), on CI
/// nothing until <see cref="SummaryLine"/>; keeps the manifest digest (<c>digest: sha256:…</c>) and the first error.
/// </summary>
internal sealed partial class PushProgress(IBuildLog log, bool summaryOnly) : IProgress<JSONMessage>
{
    private readonly Dictionary<string, string> layerStates = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    /// <summary>The manifest digest the registry accepted.</summary>
    public string? Digest { get; private set; }

    /// <summary>The engine's or registry's error, if the push failed.</summary>
    public string? Error { get; private set; }

    /// <summary>Layers uploaded by this push.</summary>
    public int Uploaded => Count(s => s == "Pushed");

    /// <summary>Layers the registry already had (or mounted from another repository).</summary>
    public int Present => Count(s => s.StartsWith("Layer already exists", StringComparison.Ordinal) || s.StartsWith("Mounted from", StringComparison.Ordinal));

    public void Report(JSONMessage value)
    {
        lock (gate)
        {
            if ((value.Error?.Message ?? value.ErrorMessage) is { Length: > 0 } error)
            {
                Error ??= error.Trim();
                return;
            }

            if (value.Status is { Length: > 0 } status && DigestLine().Match(status) is { Success: true } match)
            {
                Digest = match.Groups[1].Value;
            }
            else if (Digest is null && value.Aux?.ExtensionData is { } aux && aux.TryGetValue("Digest", out var auxDigest)
                && auxDigest?.ToString() is { } text && text.StartsWith("sha256:", StringComparison.Ordinal))
            {
                Digest = text;
            }

            // Lines without a layer id: "The push refers to repository [...]", "<tag>: digest: ... size: ...".
            if (string.IsNullOrEmpty(value.ID) || string.IsNullOrEmpty(value.Status))
            {
                return;
            }

            // "Pushing" repeats with every progress tick; a state change is a new status text.
            if (layerStates.TryGetValue(value.ID, out var previous) && previous == value.Status)
            {
                return;
            }

            layerStates[value.ID] = value.Status;
            if (!summaryOnly)
            {
                log.Information($"  {value.ID}: {value.Status}");
            }
        }
    }

    /// <summary><c>3 layers uploaded, 2 already present</c>.</summary>
    public string SummaryLine => $"{Plural(Uploaded, "layer")} uploaded, {Present} already present";

    private int Count(Func<string, bool> state)
    {
        lock (gate)
        {
            return layerStates.Values.Count(state);
        }
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    [GeneratedRegex(@"digest: (sha256:[0-9a-f]{64})")]
    private static partial Regex DigestLine();
}
