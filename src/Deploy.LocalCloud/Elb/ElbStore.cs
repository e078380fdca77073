using System.Security.Cryptography;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Elb;

/// <summary>elb.json plus ARNs and lookups.</summary>
internal sealed class ElbStore(LocalCloudOptions options)
{
    private readonly JsonStateFile<ElbState> file = new(options.StateDirectory, "elb.json");

    public LocalCloudOptions Options => options;

    public TResult Read<TResult>(Func<ElbState, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<ElbState, TResult> change) => file.Update(change);

    public string Arn(string resource) => $"arn:aws:elasticloadbalancing:{options.Region}:{options.AccountId}:{resource}";

    public static string NewSuffix() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static TargetGroupRecord TargetGroup(ElbState state, string arn) =>
        state.TargetGroups.FirstOrDefault(g => g.Arn == arn)
        ?? throw new AwsServiceException("TargetGroupNotFound", $"Target groups '{arn}' not found");

    public static LoadBalancerRecord LoadBalancer(ElbState state, string arn) =>
        state.LoadBalancers.FirstOrDefault(l => l.Arn == arn)
        ?? throw new AwsServiceException("LoadBalancerNotFound", $"Load balancers '{arn}' not found");
}
