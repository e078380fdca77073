using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;
using Deploy.LocalCloud.Tests.Support;
using Deploy.Testing.Moto;

namespace Deploy.LocalCloud.Tests.Ec2;

/// <summary>EC2: the default VPC the deploy flow reads, and security groups (stored, not enforced).</summary>
public sealed class Ec2Tests
{
    [Fact]
    public async Task The_official_ec2_client_finds_the_default_vpc_its_default_subnets_and_security_groups()
    {
        await using var cloud = await TestCloud.StartAsync();
        using var ec2 = new AmazonEC2Client(
            new BasicAWSCredentials(cloud.Instance.Options.AccessKeyId, cloud.Instance.SecretAccessKey),
            new AmazonEC2Config { ServiceURL = cloud.Instance.Endpoint.ToString(), AuthenticationRegion = cloud.Instance.Options.Region, MaxErrorRetry = 0 });

        var vpcs = await ec2.DescribeVpcsAsync(new DescribeVpcsRequest { Filters = [new Filter("is-default", ["true"])] });
        var vpc = Assert.Single(vpcs.Vpcs);
        var subnets = await ec2.DescribeSubnetsAsync(new DescribeSubnetsRequest
        {
            Filters = [new Filter("vpc-id", [vpc.VpcId]), new Filter("default-for-az", ["true"])],
        });
        var created = await ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest { GroupName = "web", Description = "web tasks", VpcId = vpc.VpcId });
        await ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = created.GroupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 8080, ToPort = 8080, Ipv4Ranges = [new IpRange { CidrIp = "10.0.0.0/8" }] }],
        });
        var groups = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = [new Filter("vpc-id", [vpc.VpcId])] });
        var missing = await Assert.ThrowsAsync<AmazonEC2Exception>(() => ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = ["sg-00000000000000000"] }));
        await ec2.DeleteSecurityGroupAsync(new DeleteSecurityGroupRequest { GroupId = created.GroupId });
        var afterDelete = await ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest());

        Assert.StartsWith("vpc-", vpc.VpcId, StringComparison.Ordinal);
        Assert.Equal("172.31.0.0/16", vpc.CidrBlock);
        Assert.True(vpc.IsDefault);
        Assert.InRange(subnets.Subnets.Count, 2, 3);
        Assert.All(subnets.Subnets, s => Assert.True(s.DefaultForAz));
        Assert.Equal(subnets.Subnets.Count, subnets.Subnets.Select(s => s.AvailabilityZone).Distinct().Count());
        Assert.Contains(groups.SecurityGroups, g => g.GroupName == "default");
        var web = groups.SecurityGroups.Single(g => g.GroupId == created.GroupId);
        Assert.Equal("web tasks", web.Description);
        var rule = Assert.Single(web.IpPermissions);
        Assert.Equal(8080, rule.FromPort);
        Assert.Equal("10.0.0.0/8", Assert.Single(rule.Ipv4Ranges).CidrIp);
        Assert.Equal("InvalidGroup.NotFound", missing.ErrorCode);
        Assert.DoesNotContain(afterDelete.SecurityGroups, g => g.GroupId == created.GroupId);
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Unsigned_and_wrongly_signed_ec2_requests_are_refused_in_ec2s_error_dialect()
    {
        await using var cloud = await TestCloud.StartAsync();

        var unsigned = await cloud.Cli.DottedErrorCodeAsync("ec2", "describe-vpcs", "--no-sign-request");
        var wrong = await cloud.Cli.WithSecret("not-the-secret").DottedErrorCodeAsync("ec2", "describe-vpcs");
        var unknown = await cloud.Cli.WithAccessKey("AKIDUNKNOWN").DottedErrorCodeAsync("ec2", "describe-subnets");

        Assert.Equal("MissingAuthenticationToken", unsigned);
        Assert.Equal("SignatureDoesNotMatch", wrong);
        Assert.Equal("InvalidClientTokenId", unknown);
        Assert.All(cloud.Responses, r => Assert.Equal("ec2", r.Protocol));
        cloud.AssertResponsesMatchBotocore();
    }

    [Fact]
    public async Task Ec2_mistakes_get_the_same_error_codes_as_moto()
    {
        await using var cloud = await TestCloud.StartAsync();
        await using var moto = await MotoServer.StartAsync();
        foreach (var cli in new[] { cloud.Cli, moto.Cli })
        {
            var group = await cli.JsonAsync("ec2", "create-security-group", "--group-name", "twice", "--description", "d");
            await cli.JsonAsync("ec2", "authorize-security-group-ingress", "--group-id", group["GroupId"]!.GetValue<string>(), "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0");
        }

        async Task<string> GroupId(AwsCli cli) =>
            (await cli.JsonAsync("ec2", "describe-security-groups", "--group-names", "twice"))["SecurityGroups"]![0]!["GroupId"]!.GetValue<string>();

        var mistakes = new Func<AwsCli, Task<string[]>>[]
        {
            _ => Task.FromResult<string[]>(["ec2", "describe-security-groups", "--group-ids", "sg-0123456789abcdef0"]),
            _ => Task.FromResult<string[]>(["ec2", "create-security-group", "--group-name", "twice", "--description", "d"]),
            _ => Task.FromResult<string[]>(["ec2", "describe-vpcs", "--vpc-ids", "vpc-0123456789abcdef0"]),
            _ => Task.FromResult<string[]>(["ec2", "describe-subnets", "--subnet-ids", "subnet-0123456789abcdef0"]),
            _ => Task.FromResult<string[]>(["ec2", "delete-security-group", "--group-id", "sg-0123456789abcdef0"]),
            async cli => ["ec2", "authorize-security-group-ingress", "--group-id", await GroupId(cli), "--protocol", "tcp", "--port", "80", "--cidr", "0.0.0.0/0"],
        };
        foreach (var mistake in mistakes)
        {
            var expected = await moto.Cli.DottedErrorCodeAsync(await mistake(moto.Cli));
            var actual = await cloud.Cli.DottedErrorCodeAsync(await mistake(cloud.Cli));
            Assert.True(expected == actual, $"{string.Join(' ', await mistake(cloud.Cli))}: moto {expected}, local cloud {actual}");
        }

        cloud.AssertResponsesMatchBotocore();
    }
}
