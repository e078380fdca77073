using Deploy.LocalCloud.Hosting;

namespace Deploy.LocalCloud.Auth;

/// <summary>The long-term access key the local cloud accepts (there is no IAM user store to look keys up in), and its account.</summary>
internal sealed record LocalCredentials(string AccessKeyId, string SecretAccessKey, string Region, string AccountId = LocalCloudOptions.DefaultAccountId);
