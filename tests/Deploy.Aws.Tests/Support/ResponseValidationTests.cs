namespace Deploy.Aws.Tests.Support;

/// <summary>
/// The response side of <see cref="BotocoreModels"/> and <see cref="ShapeValidator"/>: the protocols' envelopes for
/// successes and errors, and XML against output shapes (the local cloud's responses are checked with these).
/// </summary>
public sealed class ResponseValidationTests
{
    private const string GoodDescribeStacks = """
        <DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/">
          <DescribeStacksResult>
            <Stacks>
              <member>
                <StackName>web</StackName>
                <CreationTime>2024-05-01T10:00:00.000Z</CreationTime>
                <StackStatus>CREATE_COMPLETE</StackStatus>
                <Parameters><member><ParameterKey>Image</ParameterKey><ParameterValue>nginx</ParameterValue></member></Parameters>
                <DisableRollback>false</DisableRollback>
              </member>
            </Stacks>
          </DescribeStacksResult>
          <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
        </DescribeStacksResponse>
        """;

    private const string GoodDescribeVpcs = """
        <DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">
          <requestId>1</requestId>
          <vpcSet>
            <item><vpcId>vpc-1</vpcId><state>available</state><cidrBlock>10.0.0.0/16</cidrBlock><isDefault>true</isDefault>
              <tagSet><item><key>Name</key><value>main</value></item></tagSet></item>
          </vpcSet>
        </DescribeVpcsResponse>
        """;

    private static IReadOnlyList<string> Stacks(string body) => BotocoreModels.ValidateResponse("cloudformation", "DescribeStacks", body);

    private static IReadOnlyList<string> Vpcs(string body, int status = 200) => BotocoreModels.ValidateResponse("ec2", "DescribeVpcs", body, status);

    [Fact]
    public void Accepts_correct_query_and_ec2_responses()
    {
        Assert.Empty(Stacks(GoodDescribeStacks));
        Assert.Empty(Vpcs(GoodDescribeVpcs));
        Assert.Empty(BotocoreModels.ValidateResponse("cloudformation", "DeleteStack",
            "<DeleteStackResponse><DeleteStackResult/><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DeleteStackResponse>"));
    }

    [Fact]
    public void Flags_xml_members_against_the_output_shape()
    {
        var body = GoodDescribeStacks
            .Replace("CREATE_COMPLETE", "CREATED", StringComparison.Ordinal)
            .Replace("<StackName>web</StackName>", "<Stackname>web</Stackname>", StringComparison.Ordinal)
            .Replace("2024-05-01T10:00:00.000Z", "yesterday", StringComparison.Ordinal)
            .Replace("<DisableRollback>false</DisableRollback>", "<DisableRollback>False</DisableRollback>", StringComparison.Ordinal)
            .Replace("<Parameters><member>", "<Parameters><item>", StringComparison.Ordinal)
            .Replace("</member></Parameters>", "</item></Parameters>", StringComparison.Ordinal);

        const string Stack = "CloudFormation DescribeStacks response: DescribeStacksResult/Stacks/member[0]";
        Assert.Equal(
            [
                $"{Stack}/Stackname: unknown member (did you mean StackName?)",
                $"{Stack}/CreationTime: expected timestamp (ISO 8601), got 'yesterday'",
                $"{Stack}/StackStatus: 'CREATED' is not one of {string.Join('|', BotocoreModels.Load("cloudformation").Shape("StackStatus").GetProperty("enum").EnumerateArray())}",
                $"{Stack}/Parameters/item: a list item must be named member",
                $"{Stack}/DisableRollback: expected boolean (true|false), got 'False'",
                $"{Stack}/StackName: required member is missing",
            ],
            Stacks(body));
    }

    [Fact]
    public void Flags_query_envelope_mistakes()
    {
        Assert.Equal(
            ["CloudFormation DescribeStacks response: root element is DescribeStacksResult, expected DescribeStacksResponse",
             "CloudFormation DescribeStacks response: unexpected element Stacks in DescribeStacksResult",
             "CloudFormation DescribeStacks response: no ResponseMetadata/RequestId",
             "CloudFormation DescribeStacks response: no DescribeStacksResult element"],
            Stacks("<DescribeStacksResult><Stacks/></DescribeStacksResult>"));
        Assert.Equal(
            ["CloudFormation DeleteStack response: the operation returns no members but DeleteStackResult has some"],
            BotocoreModels.ValidateResponse("cloudformation", "DeleteStack",
                "<DeleteStackResponse><DeleteStackResult><StackId>x</StackId></DeleteStackResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DeleteStackResponse>"));
        Assert.Equal(
            ["CloudFormation DescribeStacks error 400: ErrorResponse has no RequestId", "CloudFormation DescribeStacks error 400: Error has no Type"],
            BotocoreModels.ValidateResponse("cloudformation", "DescribeStacks",
                "<ErrorResponse><Error><Code>ValidationError</Code><Message>no</Message></Error></ErrorResponse>", 400));
        Assert.Single(BotocoreModels.ValidateResponse("cloudformation", "DescribeStacks", "not xml"));
    }

    [Fact]
    public void Ec2_responses_use_its_own_dialect()
    {
        Assert.Equal(
            ["EC2 DescribeVpcs response: no requestId",
             "EC2 DescribeVpcs response: DescribeVpcsResponse/vpcSet/member: a list item must be named item",
             "EC2 DescribeVpcs response: DescribeVpcsResponse/vpcSet/item[0]/VpcId: unknown member (did you mean vpcId?)",
             "EC2 DescribeVpcs response: DescribeVpcsResponse/vpcSet/item[0]/state: 'up' is not one of pending|available"],
            Vpcs(GoodDescribeVpcs
                .Replace("<requestId>1</requestId>", string.Empty, StringComparison.Ordinal)
                .Replace("<item><vpcId>vpc-1</vpcId>", "<member><VpcId>vpc-1</VpcId>", StringComparison.Ordinal)
                .Replace("</tagSet></item>", "</tagSet></member>", StringComparison.Ordinal)
                .Replace(">available<", ">up<", StringComparison.Ordinal)));
        Assert.Empty(Vpcs("<Response><Errors><Error><Code>InvalidVpcID.NotFound</Code><Message>no</Message></Error></Errors><RequestID>1</RequestID></Response>", 400));
        Assert.Equal(
            ["EC2 DescribeVpcs error 400: root element is ErrorResponse, expected Response", "EC2 DescribeVpcs error 400: ErrorResponse has no RequestID", "EC2 DescribeVpcs error 400: no Errors/Error element"],
            Vpcs("<ErrorResponse><Error><Code>x</Code><Message>no</Message></Error><RequestId>1</RequestId></ErrorResponse>", 400));
    }

    [Fact]
    public void Json_errors_carry_type_and_message_and_only_members_of_the_error_shape()
    {
        static IReadOnlyList<string> Error(string body) => BotocoreModels.ValidateResponse("ecs", "DescribeClusters", body, 400);

        Assert.Empty(Error("""{"__type":"ClusterNotFoundException","message":"no cluster"}"""));
        Assert.Empty(Error("""{"__type":"com.amazonaws.ecs#ClusterNotFoundException","message":"no cluster"}"""));
        Assert.Equal(["ECS DescribeClusters error 400: error without a string message"], Error("""{"__type":"ThrottlingException"}"""));
        Assert.Equal(["ECS DescribeClusters error 400: error without a string __type"], Error("""{"message":"no"}"""));
        Assert.Equal(
            ["ECS DescribeClusters error 400: cluster: unknown member"],
            Error("""{"__type":"ClusterNotFoundException","message":"no","cluster":"x"}"""));
        Assert.Empty(BotocoreModels.ValidateErrorEnvelope("json", """{"__type":"UnrecognizedClientException","message":"who?"}""", 400));
        Assert.NotEmpty(BotocoreModels.ValidateErrorEnvelope("query", "<Error/>", 403));
    }

    [Fact]
    public void Rest_xml_responses_are_the_output_shape_under_any_root()
    {
        static IReadOnlyList<string> List(string body, int status = 200) => BotocoreModels.ValidateResponse("s3", "ListObjectsV2", body, status);

        const string Good = """
            <ListBucketResult><Name>b</Name><KeyCount>2</KeyCount><IsTruncated>false</IsTruncated>
              <Contents><Key>a</Key><Size>1</Size><LastModified>2024-05-01T10:00:00.000Z</LastModified></Contents>
              <Contents><Key>b</Key><Size>2</Size></Contents>
            </ListBucketResult>
            """;
        Assert.Empty(List(Good));
        Assert.Equal(
            ["S3 ListObjectsV2 response: ListBucketResult/Contents[1]/Size: expected long, got 'big'", "S3 ListObjectsV2 response: ListBucketResult/Name: member appears twice"],
            List(Good.Replace("<Size>2</Size>", "<Size>big</Size>", StringComparison.Ordinal)
                .Replace("</ListBucketResult>", "<Name>c</Name></ListBucketResult>", StringComparison.Ordinal)));
        Assert.Empty(List(string.Empty));
        Assert.Empty(List("<Error><Code>NoSuchBucket</Code><Message>no</Message></Error>", 404));
        Assert.Equal(["S3 ListObjectsV2 error 404: Error has no Message"], List("<Error><Code>NoSuchBucket</Code></Error>", 404));
        Assert.Empty(BotocoreModels.ValidateResponse("s3", "GetObject", "raw bytes, not XML"));
    }

    [Fact]
    public void Responses_may_hold_empty_lists_where_requests_may_not()
    {
        // The model's minimum of one image id is a rule for requests; AWS answers "imageIds": [] when nothing was deleted.
        Assert.Empty(BotocoreModels.ValidateResponse("ecr", "BatchDeleteImage", """{"imageIds":[],"failures":[]}"""));
        Assert.Equal(
            ["ECR BatchDeleteImage: imageIds: 0 entries, below the minimum 1"],
            BotocoreModels.ValidateInput("ecr", "BatchDeleteImage", """{"repositoryName":"web","imageIds":[]}"""));
    }

    [Fact]
    public void Wire_names_lead_to_the_botocore_service_that_uses_them()
    {
        foreach (var (wireName, service) in new[]
                 {
                     ("AmazonEC2ContainerRegistry_V20150921", "ecr"), ("AmazonEC2ContainerServiceV20141113", "ecs"), ("Logs_20140328", "logs"),
                     ("CodeCommit_20150413", "codecommit"), ("CodeBuild_20161006", "codebuild"), ("CodePipeline_20150709", "codepipeline"),
                     ("AWSEvents", "events"), ("elasticloadbalancing", "elbv2"), ("sts", "sts"), ("ec2", "ec2"), ("s3", "s3"),
                     ("cloudformation", "cloudformation"), ("iam", "iam"),
                 })
        {
            Assert.Equal(service, BotocoreModels.ServiceForWireName(wireName));
            var model = BotocoreModels.Load(service);
            Assert.True(model.TargetPrefix == wireName || model.SigningName == wireName, $"{service} is not named {wireName} on the wire");
        }

        Assert.Null(BotocoreModels.ServiceForWireName(string.Empty));
        Assert.Null(BotocoreModels.ServiceForWireName("NoSuchService_20990101"));
    }
}
