using System.Text.Json.Nodes;
using Deploy.LocalCloud.CloudFormation;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Tests.CloudFormation;

/// <summary>The template engine on its own: intrinsic functions, conditions, parameters and dependency order.</summary>
public sealed class TemplateEngineTests
{
    private static readonly StackIdentity Stack = new("demo", "arn:aws:cloudformation:us-east-1:000000000000:stack/demo/1", "us-east-1", "000000000000");

    private static readonly StubResourceProvider Thing = new("Test::Thing", ["Name"],
        (id, _) => [("Arn", $"arn:thing:{id}"), ("Endpoint", "thing.local")],
        r => r.String("Name") ?? "generated");

    private static Template Parse(string json) => Template.Parse(json, type => type == "Test::Thing" ? Thing : null);

    private static StackScope Scope(Template template, Dictionary<string, string>? parameters = null, Dictionary<string, ProvisionedResource>? made = null) =>
        new(template, parameters ?? [], Stack, id => made?.GetValueOrDefault(id), name => name == "shared-vpc" ? "vpc-shared" : null, preview: false);

    [Fact]
    public void Sub_join_select_split_and_get_azs_resolve_against_parameters_pseudo_parameters_and_attributes()
    {
        var template = Parse("""
            {"Parameters":{"Env":{"Type":"String","Default":"dev"},"Subnets":{"Type":"List<AWS::EC2::Subnet::Id>"}},
             "Resources":{"A":{"Type":"Test::Thing","Properties":{"Name":"a"}},
                          "B":{"Type":"Test::Thing","Properties":{
                            "Name":{"Fn::Sub":"${AWS::StackName}-${Env}-${A}"},
                            "Url":{"Fn::Sub":["https://${Host}/${!Literal}",{"Host":{"Fn::GetAtt":["A","Endpoint"]}}]},
                            "Joined":{"Fn::Join":[",",{"Ref":"Subnets"}]},
                            "Second":{"Fn::Select":[1,{"Fn::Split":["|","x|y|z"]}]},
                            "Zone":{"Fn::Select":["0",{"Fn::GetAZs":""}]},
                            "Arn":{"Fn::GetAtt":"A.Arn"},
                            "Imported":{"Fn::ImportValue":"shared-vpc"},
                            "Dropped":{"Ref":"AWS::NoValue"}}}}}
            """);
        var scope = Scope(template,
            new Dictionary<string, string> { ["Env"] = "dev", ["Subnets"] = "subnet-1,subnet-2" },
            new Dictionary<string, ProvisionedResource> { ["A"] = ProvisionedResource.Of("a", ("Arn", "arn:thing:a"), ("Endpoint", "thing.local")) });

        var resolved = scope.ResolveObject(template.Resources["B"].Properties);

        Assert.Equal("demo-dev-a", resolved["Name"]!.GetValue<string>());
        Assert.Equal("https://thing.local/${Literal}", resolved["Url"]!.GetValue<string>());
        Assert.Equal("subnet-1,subnet-2", resolved["Joined"]!.GetValue<string>());
        Assert.Equal("y", resolved["Second"]!.GetValue<string>());
        Assert.Equal("us-east-1a", resolved["Zone"]!.GetValue<string>());
        Assert.Equal("arn:thing:a", resolved["Arn"]!.GetValue<string>());
        Assert.Equal("vpc-shared", resolved["Imported"]!.GetValue<string>());
        Assert.False(resolved.ContainsKey("Dropped"));
        Assert.Equal(["A"], template.Resources["B"].Dependencies);
    }

    [Fact]
    public void Conditions_choose_values_and_drop_resources_whose_condition_is_false()
    {
        var template = Parse("""
            {"Parameters":{"Env":{"Type":"String","AllowedValues":["dev","prod"]}},
             "Conditions":{"IsProd":{"Fn::Equals":[{"Ref":"Env"},"prod"]},
                           "IsDev":{"Fn::Not":[{"Condition":"IsProd"}]},
                           "Either":{"Fn::Or":[{"Condition":"IsProd"},{"Condition":"IsDev"}]},
                           "Both":{"Fn::And":[{"Condition":"IsProd"},{"Condition":"IsDev"}]}},
             "Resources":{"Always":{"Type":"Test::Thing","Properties":{"Size":{"Fn::If":["IsProd","large","small"]}}},
                          "ProdOnly":{"Type":"Test::Thing","Condition":"IsProd"}}}
            """);
        var scope = Scope(template, new Dictionary<string, string> { ["Env"] = "dev" });

        Assert.Equal("small", scope.ResolveObject(template.Resources["Always"].Properties)["Size"]!.GetValue<string>());
        Assert.False(scope.Includes(template.Resources["ProdOnly"].Definition));
        Assert.True(scope.Condition("Either"));
        Assert.False(scope.Condition("Both"));
        Assert.Equal("Parameter 'Env' must be one of AllowedValues",
            Assert.Throws<AwsServiceException>(() => StackParameters.Bind(template, [new ParameterInput("Env", "test", false)], null)).Message);
    }

    [Fact]
    public void Resources_are_ordered_after_what_they_reference_and_cycles_are_refused()
    {
        var template = Parse("""
            {"Resources":{"C":{"Type":"Test::Thing","Properties":{"X":{"Ref":"B"}}},
                          "B":{"Type":"Test::Thing","DependsOn":"A"},
                          "A":{"Type":"Test::Thing"}}}
            """);
        var cycle = Parse("""
            {"Resources":{"A":{"Type":"Test::Thing","Properties":{"X":{"Fn::GetAtt":["B","Arn"]}}},
                          "B":{"Type":"Test::Thing","Properties":{"X":{"Fn::Sub":"${A.Arn}"}}}}}
            """);

        Assert.Equal(["A", "B", "C"], template.CreationOrder(template.Resources.Keys.ToHashSet()));
        var error = Assert.Throws<AwsServiceException>(() => cycle.CreationOrder(cycle.Resources.Keys.ToHashSet()));
        Assert.Equal("ValidationError", error.Code);
        Assert.StartsWith("Circular dependency between resources", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"Resources":{"A":{"Type":"Test::Thing","Properties":{"X":{"Ref":"Missing"}}}}}""", "Template format error: Unresolved resource dependencies [Missing] in the Resources block of the template")]
    [InlineData("""{"Resources":{"A":{"Type":"Test::Thing","Properties":{"X":{"Fn::GetAtt":["A","Nope"]}}}}}""", "Template error: resource A does not support attribute type Nope in Fn::GetAtt")]
    [InlineData("""{"Resources":{"A":{"Type":"AWS::Nothing::Here"}}}""", "Template format error: Unrecognized resource types: [AWS::Nothing::Here]")]
    [InlineData("""{"Resources":{}}""", "Template format error: At least one Resources member must be defined.")]
    [InlineData("""{"Resources":""", "Template format error: JSON not well-formed. (line 1, column 14)")]
    public void Invalid_templates_are_refused_with_cloudformations_messages(string body, string message)
    {
        var error = Assert.Throws<AwsServiceException>(() => Parse(body));

        Assert.Equal("ValidationError", error.Code);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parameters_need_values_and_must_match_their_constraints()
    {
        var template = Parse("""
            {"Parameters":{"Name":{"Type":"String","AllowedPattern":"^[a-z]+$","MaxLength":5},"Count":{"Type":"Number","Default":"2"}},
             "Resources":{"A":{"Type":"Test::Thing"}}}
            """);

        Assert.Equal("Parameters: [Name] must have values", Assert.Throws<AwsServiceException>(() => StackParameters.Bind(template, [], null)).Message);
        Assert.Equal("Parameter 'Name' must match pattern ^[a-z]+$", Assert.Throws<AwsServiceException>(() => StackParameters.Bind(template, [new("Name", "ABC", false)], null)).Message);
        Assert.Equal("Parameter 'Name' must contain at most 5 characters", Assert.Throws<AwsServiceException>(() => StackParameters.Bind(template, [new("Name", "abcdef", false)], null)).Message);
        Assert.Equal("Parameter 'Count' must be a number.", Assert.Throws<AwsServiceException>(() => StackParameters.Bind(template, [new("Name", "abc", false), new("Count", "two", false)], null)).Message);
        Assert.Equal("Parameters: [Other] do not exist in the template", Assert.Throws<AwsServiceException>(() => StackParameters.Bind(template, [new("Other", "x", false)], null)).Message);
        Assert.Equal("abc", StackParameters.Bind(template, [new("Name", null, true)], new Dictionary<string, string> { ["Name"] = "abc" })["Name"]);
    }
}
