namespace Deploy.LocalCloud.Auth;

/// <summary>The single access key the local cloud accepts (there is no IAM user store to look keys up in).</summary>
internal sealed record LocalCredentials(string AccessKeyId, string SecretAccessKey, string Region);
