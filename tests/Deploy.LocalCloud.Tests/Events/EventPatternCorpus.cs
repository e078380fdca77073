using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Tests.Events;

/// <summary>One pattern against one event and what AWS's documented semantics say; <see cref="MotoAgrees"/> is false only
/// where moto is known to differ from AWS (each such case says why).</summary>
public sealed record PatternCase(string Name, string Pattern, bool Expected, bool MotoAgrees = true)
{
    public override string ToString() => Name;
}

/// <summary>The pattern/event corpus run through our matcher, moto's (an independent implementation) and the aws CLI.</summary>
public static class EventPatternCorpus
{
    /// <summary>A CodeCommit push event as the git endpoint publishes it, with extra detail fields for the operators.</summary>
    public static readonly string Event = new JsonObject
    {
        ["version"] = "0",
        ["id"] = "6f1e4c3a-0000-4000-8000-000000000001",
        ["detail-type"] = "CodeCommit Repository State Change",
        ["source"] = "aws.codecommit",
        ["account"] = "000000000000",
        ["time"] = "2026-01-01T00:00:00Z",
        ["region"] = "us-east-1",
        ["resources"] = new JsonArray("arn:aws:codecommit:us-east-1:000000000000:service"),
        ["detail"] = new JsonObject
        {
            ["event"] = "referenceUpdated",
            ["referenceType"] = "branch",
            ["referenceName"] = "main",
            ["referenceFullName"] = "refs/heads/main",
            ["commitId"] = "0123456789abcdef0123456789abcdef01234567",
            ["repositoryName"] = "service",
            ["count"] = 5,
            ["ratio"] = 0.5,
            ["flag"] = true,
            ["nothing"] = null,
            ["tags"] = new JsonArray("blue", "green"),
            ["ip"] = "10.0.1.7",
            ["nested"] = new JsonObject { ["deep"] = new JsonObject { ["value"] = "x" } },
            ["items"] = new JsonArray(new JsonObject { ["name"] = "a" }, new JsonObject { ["name"] = "b" }),
        },
    }.ToJsonString();

    /// <summary>The platform template's PipelineTriggerRule pattern (rendered fixture), for this event's repository.</summary>
    public const string PlatformRule = """
        {"source":["aws.codecommit"],"detail-type":["CodeCommit Repository State Change"],
         "resources":["arn:aws:codecommit:us-east-1:000000000000:service"],
         "detail":{"event":["referenceCreated","referenceUpdated"],"referenceType":["branch"],"referenceName":["main"]}}
        """;

    public static readonly PatternCase[] Cases =
    [
        new("the platform rule matches a push to main", PlatformRule, true),
        new("the platform rule ignores another branch", PlatformRule.Replace("[\"main\"]", "[\"develop\"]", StringComparison.Ordinal), false),
        new("an array lists alternatives", """{"source":["aws.ec2","aws.codecommit"]}""", true),
        new("every field must match", """{"source":["aws.codecommit"],"detail-type":["Other"]}""", false),
        new("resources compare exactly", """{"resources":["arn:aws:codecommit:us-east-1:000000000000:other"]}""", false),
        new("a missing field does not match", """{"detail":{"missing":["x"]}}""", false),
        new("a string never equals a number", """{"detail":{"count":["5"]}}""", false),
        new("numbers compare by value", """{"detail":{"count":[5]}}""", true),
        new("true matches true", """{"detail":{"flag":[true]}}""", true),
        new("false does not match true", """{"detail":{"flag":[false]}}""", false),
        new("null matches a JSON null", """{"detail":{"nothing":[null]}}""", true),
        new("an event array matches when any element does", """{"detail":{"tags":["green"]}}""", true),
        new("an event array with no matching element", """{"detail":{"tags":["red"]}}""", false),
        new("nested objects nest", """{"detail":{"nested":{"deep":{"value":["x"]}}}}""", true),
        new("prefix", """{"detail":{"event":[{"prefix":"reference"}]}}""", true),
        new("prefix that does not match", """{"detail":{"referenceFullName":[{"prefix":"refs/tags/"}]}}""", false),
        new("prefix ignoring case", """{"detail":{"referenceFullName":[{"prefix":{"equals-ignore-case":"REFS/HEADS/"}}]}}""", true),
        new("suffix", """{"detail":{"referenceFullName":[{"suffix":"/main"}]}}""", true),
        new("suffix ignoring case", """{"detail":{"referenceFullName":[{"suffix":{"equals-ignore-case":"/MAIN"}}]}}""", true),
        new("equals-ignore-case", """{"detail":{"event":[{"equals-ignore-case":"REFERENCEUPDATED"}]}}""", true),
        new("equals-ignore-case on a number", """{"detail":{"count":[{"equals-ignore-case":"5"}]}}""", false),
        new("anything-but a value", """{"detail":{"event":[{"anything-but":"referenceDeleted"}]}}""", true),
        new("anything-but a list containing the value", """{"detail":{"event":[{"anything-but":["referenceUpdated","referenceDeleted"]}]}}""", false),
        new("anything-but a prefix", """{"detail":{"referenceFullName":[{"anything-but":{"prefix":"refs/tags/"}}]}}""", true),
        new("anything-but a suffix that matches", """{"detail":{"referenceFullName":[{"anything-but":{"suffix":"main"}}]}}""", false),
        new("anything-but needs the field", """{"detail":{"missing":[{"anything-but":"x"}]}}""", false),
        new("numeric range", """{"detail":{"count":[{"numeric":[">",3,"<=",5]}]}}""", true),
        new("numeric bound excluded", """{"detail":{"count":[{"numeric":["<",5]}]}}""", false),
        new("numeric equality", """{"detail":{"ratio":[{"numeric":["=",0.5]}]}}""", true),
        new("numeric on a string", """{"detail":{"event":[{"numeric":[">",0]}]}}""", false),
        new("exists true on a present field", """{"detail":{"commitId":[{"exists":true}]}}""", true),
        new("exists false on an absent field", """{"detail":{"oldCommitId":[{"exists":false}]}}""", true),
        new("exists true on an absent field", """{"detail":{"oldCommitId":[{"exists":true}]}}""", false),
        new("exists false on a present field", """{"detail":{"commitId":[{"exists":false}]}}""", false),
        new("exists works on leaves only", """{"detail":{"nested":[{"exists":true}]}}""", false),
        new("wildcard", """{"detail":{"referenceFullName":[{"wildcard":"refs/*/main"}]}}""", true),
        new("wildcard that does not match", """{"detail":{"referenceFullName":[{"wildcard":"refs/*/dev*"}]}}""", false),
        new("cidr", """{"detail":{"ip":[{"cidr":"10.0.0.0/16"}]}}""", true),
        new("cidr outside", """{"detail":{"ip":[{"cidr":"192.168.0.0/16"}]}}""", false),
        new("$or of two alternatives", """{"source":["aws.codecommit"],"$or":[{"detail":{"referenceName":["dev"]}},{"detail":{"count":[{"numeric":[">",1]}]}}]}""", true),
        new("$or with no matching alternative", """{"$or":[{"detail":{"referenceName":["dev"]}},{"detail":{"count":[{"numeric":[">",9]}]}}]}""", false),
        // moto flattens only objects, so it never looks inside an array of objects; AWS matches any element.
        new("a nested pattern matches any object of an event array", """{"detail":{"items":{"name":["b"]}}}""", true, MotoAgrees: false),
    ];

    /// <summary>Invalid patterns and the reason PutRule/TestEventPattern give; <c>Moto</c> marks those moto also refuses.</summary>
    public static readonly (string Pattern, string Reason, bool Moto)[] Invalid =
    [
        ("not json", "Filter is not an object", true),
        ("""{"source":"aws.codecommit"}""", "\"source\" must be an object or an array", true),
        ("""{"source":[]}""", "Empty arrays are not allowed", true),
        ("[1]", "Filter is not an object", false),
        ("""{"source":[{"foo":"x"}]}""", "Unrecognized match type foo", false),
        ("""{"source":[{"prefix":1}]}""", "prefix match pattern must be a string", false),
        ("""{"source":[{"prefix":"a","suffix":"b"}]}""", "Only one key allowed in match expression", false),
        ("""{"source":[{"exists":"yes"}]}""", "exists match pattern must be either true or false.", false),
        ("""{"detail":{"count":[{"numeric":["!",1]}]}}""", "Unrecognized numeric range operator", false),
        ("""{"detail":{"count":[{"numeric":[">","a"]}]}}""", "Value of > must be numeric", false),
        ("""{"source":[{"anything-but":{"numeric":[">",1]}}]}""", "Value of anything-but must be an array or single string/number value.", false),
        ("""{"source":[{"cidr":"not-a-network"}]}""", "Malformed CIDR", false),
    ];
}
