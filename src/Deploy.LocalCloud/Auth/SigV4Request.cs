namespace Deploy.LocalCloud.Auth;

/// <summary>The parts of an HTTP request SigV4 covers, as they arrived on the wire.</summary>
internal sealed record SigV4Request(
    string Method,
    string RawPath,
    string RawQuery,
    Func<string, IReadOnlyList<string>> HeaderValues,
    byte[] Body);
