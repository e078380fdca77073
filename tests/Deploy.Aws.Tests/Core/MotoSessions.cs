using System.Xml.Linq;
using Amazon.Runtime;
using Deploy.Aws.Tests.Support;

namespace Deploy.Aws.Tests.Core;

/// <summary>Sessions pointed at the shared moto_server through AWS_ENDPOINT_URL, as a user's env file would.</summary>
internal static class MotoSessions
{
    public static AwsSession For(MotoServer moto, List<AwsCallRecord>? calls = null) => new(new AwsSessionOptions
    {
        Region = MotoServer.Region,
        Credentials = new SessionAWSCredentials(MotoServer.AccessKeyId, MotoServer.SecretAccessKey, MotoServer.SessionToken),
        Environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL"] = moto.Endpoint.ToString() },
        Observer = calls is null ? null : record =>
        {
            lock (calls)
            {
                calls.Add(record);
            }
        },
        MaxAttempts = 2,
        BaseDelay = TimeSpan.FromMilliseconds(10),
    });

    /// <summary>Subnets and the default security group of moto's default VPC (EC2 speaks a query dialect; read raw).</summary>
    public static async Task<(IReadOnlyList<string> Subnets, string SecurityGroup)> DefaultVpcAsync(MotoServer moto)
    {
        using var http = new HttpClient();
        var subnets = await Ec2Async(http, moto, "DescribeSubnets");
        var groups = await Ec2Async(http, moto, "DescribeSecurityGroups");
        var subnetIds = subnets.Descendants().Where(e => e.Name.LocalName == "subnetId").Select(e => e.Value).Distinct().ToList();
        var groupId = groups.Descendants().Where(e => e.Name.LocalName == "groupId").Select(e => e.Value).First();
        return (subnetIds, groupId);
    }

    private static async Task<XDocument> Ec2Async(HttpClient http, MotoServer moto, string action)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, moto.Endpoint)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["Action"] = action, ["Version"] = "2016-11-15" }),
        };

        // moto routes on the credential scope's service name; it does not check the signature.
        request.Headers.TryAddWithoutValidation(
            "Authorization",
            $"AWS4-HMAC-SHA256 Credential={MotoServer.AccessKeyId}/20240101/{MotoServer.Region}/ec2/aws4_request, SignedHeaders=host, Signature=0");
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
