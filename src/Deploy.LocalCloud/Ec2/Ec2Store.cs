using System.Security.Cryptography;
using System.Text;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.State;

namespace Deploy.LocalCloud.Ec2;

/// <summary>
/// ec2.json. On first use it holds a default VPC (172.31.0.0/16) with three default subnets and the VPC's
/// "default" security group; their ids derive from the account so they are stable across state directories.
/// </summary>
internal sealed class Ec2Store
{
    private readonly JsonStateFile<Ec2State> file;

    public Ec2Store(LocalCloudOptions options)
    {
        Options = options;
        file = new JsonStateFile<Ec2State>(options.StateDirectory, "ec2.json");
        file.Update(state =>
        {
            if (state.Vpcs.Count == 0)
            {
                SeedDefaults(state, options);
            }

            return 0;
        });
    }

    public LocalCloudOptions Options { get; }

    public TResult Read<TResult>(Func<Ec2State, TResult> read) => file.Read(read);

    public TResult Update<TResult>(Func<Ec2State, TResult> change) => file.Update(change);

    public static string NewId(string prefix) => prefix + "-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(9))[..17];

    private static string StableId(string prefix, string seed) =>
        prefix + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(seed)))[..17];

    private static void SeedDefaults(Ec2State state, LocalCloudOptions options)
    {
        var vpcId = StableId("vpc", options.AccountId + "/default-vpc");
        state.Vpcs.Add(new VpcRecord { VpcId = vpcId, CidrBlock = "172.31.0.0/16", IsDefault = true });
        var zones = new[] { "a", "b", "c" };
        for (var i = 0; i < zones.Length; i++)
        {
            state.Subnets.Add(new SubnetRecord
            {
                SubnetId = StableId("subnet", $"{options.AccountId}/default-subnet/{i}"),
                VpcId = vpcId,
                CidrBlock = $"172.31.{i * 16}.0/20",
                AvailabilityZone = options.Region + zones[i],
                DefaultForAz = true,
            });
        }

        var defaultGroupId = StableId("sg", options.AccountId + "/default-sg");
        state.SecurityGroups.Add(new SecurityGroupRecord
        {
            GroupId = defaultGroupId,
            GroupName = "default",
            Description = "default VPC security group",
            VpcId = vpcId,
            Ingress = [new PermissionRecord { IpProtocol = "-1", SourceGroupIds = [defaultGroupId] }],
            Egress = [new PermissionRecord { IpProtocol = "-1", CidrIps = ["0.0.0.0/0"] }],
        });
    }
}
