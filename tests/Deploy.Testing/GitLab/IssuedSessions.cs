using System.Text.Json;

namespace Deploy.Testing.GitLab;

/// <summary>Temporary credentials the local cloud issued to a role session.</summary>
public sealed record IssuedSession(string RoleArn, string AccessKeyId, string SecretAccessKey, string SessionToken)
{
    /// <summary>The session issued under <paramref name="sessionName"/>, read from the local cloud's state (the only place that holds it).</summary>
    public static IssuedSession Find(string stateDirectory, string sessionName)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(Path.Combine(stateDirectory, "sessions.json")));
        var matches = state.RootElement.GetProperty("sessions").EnumerateArray().Where(s => s.GetProperty("sessionName").GetString() == sessionName).ToList();
        if (matches.Count != 1)
        {
            throw new InvalidOperationException($"{matches.Count} sessions named {sessionName} in {stateDirectory}/sessions.json, expected one");
        }

        var session = matches[0];
        return new IssuedSession(session.GetProperty("roleArn").GetString()!, session.GetProperty("accessKeyId").GetString()!,
            session.GetProperty("secretAccessKey").GetString()!, session.GetProperty("sessionToken").GetString()!);
    }
}
