namespace Deploy.Delivery.Mirror;

/// <summary>Turns git's stderr about a failed remote command into one line that says what is wrong and what to do.</summary>
public static class GitRemoteErrors
{
    /// <summary>One clear line for a failed <paramref name="action"/> against <paramref name="remote"/>; null when git's output
    /// matches none of the known causes (wrong credentials, missing repository, network failure).</summary>
    public static string? Classify(Uri remote, string action, IEnumerable<string> errorOutput, string? rejectedHint = null)
    {
        ArgumentNullException.ThrowIfNull(remote);
        ArgumentNullException.ThrowIfNull(errorOutput);
        var text = string.Join('\n', errorOutput);
        bool Has(string s) => text.Contains(s, StringComparison.OrdinalIgnoreCase);

        if (Has("error: 403") || Has("Authentication failed") || Has("could not read Username") || Has("could not read Password")
            || Has("error: 401") || Has("terminal prompts disabled"))
        {
            return $"{action} {remote} failed: the git credentials were rejected (wrong or expired). "
                + (rejectedHint ?? "Check the credentials.");
        }

        if (Has("not found") || Has("error: 404") || Has("does not appear to be a git repository") || Has("No such repository"))
            return $"{action} {remote} failed: the repository does not exist. Check the URL, or run ProvisionInfra to create it.";

        if (Has("Could not resolve host") || Has("Couldn't resolve") || Has("Connection refused") || Has("Failed to connect")
            || Has("Couldn't connect") || Has("timed out") || Has("Connection reset") || Has("Network is unreachable")
            || Has("SSL") || Has("Empty reply from server"))
        {
            var reason = errorOutput.LastOrDefault(l => l.StartsWith("fatal:", StringComparison.Ordinal))?["fatal:".Length..].Trim();
            return $"{action} {remote} failed: the server cannot be reached (network failure{(reason is null ? "" : ": " + Tail(reason))}).";
        }

        return null;
    }

    // "unable to access 'url': Failed to connect ..." → the part after the URL.
    private static string Tail(string reason)
    {
        var index = reason.LastIndexOf("': ", StringComparison.Ordinal);
        return index < 0 ? reason : reason[(index + 3)..];
    }
}
