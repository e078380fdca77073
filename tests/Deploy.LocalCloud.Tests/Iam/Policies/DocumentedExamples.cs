namespace Deploy.LocalCloud.Tests.Iam.Policies;

/// <summary>
/// Cases written from IAM's documentation (policy evaluation logic; the Action/NotAction, Resource/NotResource,
/// Condition, condition operator and policy variable reference pages), each with the decision the documentation gives.
/// </summary>
public static class DocumentedExamples
{
    public const string Service = "arn:aws:ecs:us-east-1:000000000000:service/platform/sample";
    public const string ArtifactObject = "arn:aws:s3:::artifacts/builds/1/out.zip";
    private const string Allowed = "Allow";
    private const string Implicit = "ImplicitDeny";
    private const string Explicit = "ExplicitDeny";

    public static string Policy(params string[] statements) => $$"""{"Version":"2012-10-17","Statement":[{{string.Join(',', statements)}}]}""";

    public static string Statement(string effect, string action, string resource, string? condition = null, string actionElement = "Action", string resourceElement = "Resource") =>
        $$"""{"Effect":"{{effect}}","{{actionElement}}":{{action}},"{{resourceElement}}":{{resource}}{{(condition is null ? "" : ",\"Condition\":" + condition)}}}""";

    public static string Allow(string action, string resource, string? condition = null) => Statement("Allow", action, resource, condition);

    public static string Deny(string action, string resource, string? condition = null) => Statement("Deny", action, resource, condition);

    private static KeyValuePair<string, string>[] Keys(params (string Key, string Value)[] pairs) => [.. pairs.Select(p => KeyValuePair.Create(p.Key, p.Value))];

    private static PolicyCase Update(string name, string expected, string[] documents, params (string, string)[] context) =>
        new(name, documents, "ecs:UpdateService", Service, Keys(context), expected);

    private static PolicyCase Get(string name, string expected, string[] documents, string resource = ArtifactObject, params (string, string)[] context) =>
        new(name, documents, "s3:GetObject", resource, Keys(context), expected);

    /// <summary>A case the simulator refuses to evaluate (it validates policies first): ours must fail closed on it.</summary>
    private static PolicyCase OursAlone(string name, string expected, string[] documents) => Update(name, expected, documents) with { ForOracle = false };

    private static string[] One(string statements) => [Policy(statements)];

    private static string[] AllowUpdateWhen(string condition) => [Policy(Allow("\"ecs:UpdateService\"", $"\"{Service}\"", condition))];

    public static IEnumerable<PolicyCase> All()
    {
        // Evaluation logic: an allow allows, nothing is an implicit deny, an explicit deny in any policy wins.
        yield return Update("an allow for the action and resource", Allowed, One(Allow("\"ecs:UpdateService\"", $"\"{Service}\"")));
        yield return Update("no policy", Implicit, []);
        yield return Update("an allow of another action", Implicit, One(Allow("\"ecs:DescribeServices\"", $"\"{Service}\"")));
        yield return Update("an explicit deny in another policy wins", Explicit,
            [Policy(Allow("\"*\"", "\"*\"")), Policy(Deny("\"ecs:UpdateService\"", "\"*\""))]);
        yield return Update("an explicit deny in the same policy wins", Explicit, One(Allow("\"ecs:*\"", "\"*\"") + "," + Deny("\"ecs:Update*\"", $"\"{Service}\"")));
        yield return Update("a deny of another resource does not apply", Allowed,
            One(Allow("\"ecs:*\"", "\"*\"") + "," + Deny("\"ecs:*\"", "\"arn:aws:ecs:us-east-1:000000000000:service/platform/other\"")));

        // Action: case-insensitive, wildcards; NotAction.
        yield return Update("action names ignore case", Allowed, One(Allow("\"ECS:updateservice\"", $"\"{Service}\"")));
        yield return Update("an action wildcard at the end", Allowed, One(Allow("\"ecs:Update*\"", $"\"{Service}\"")));
        yield return Update("an action wildcard in the middle", Allowed, One(Allow("\"ecs:*Service\"", $"\"{Service}\"")));
        yield return Update("? is one character of an action", Allowed, One(Allow("\"ecs:?pdateService\"", $"\"{Service}\"")));
        yield return Update("a wildcard of another verb", Implicit, One(Allow("\"ecs:Describe*\"", $"\"{Service}\"")));
        yield return Update("one action of a list", Allowed, One(Allow("[\"ecs:DescribeServices\",\"ecs:UpdateService\"]", $"\"{Service}\"")));
        yield return Update("NotAction allows every other action", Allowed, One(Statement("Allow", "\"iam:*\"", "\"*\"", actionElement: "NotAction")));
        yield return new PolicyCase("NotAction does not allow the listed action", One(Statement("Allow", "\"iam:*\"", "\"*\"", actionElement: "NotAction")),
            "iam:PassRole", "arn:aws:iam::000000000000:role/TaskRole", [], Implicit);
        yield return Update("a deny with NotAction denies every other action", Explicit,
            One(Allow("\"*\"", "\"*\"") + "," + Statement("Deny", "[\"iam:*\",\"sts:*\"]", "\"*\"", actionElement: "NotAction")));

        // Resource: case-sensitive ARNs, wildcards within a part, NotResource, policy variables.
        yield return Update("resource ARNs are case-sensitive", Implicit, One(Allow("\"ecs:UpdateService\"", "\"arn:aws:ecs:us-east-1:000000000000:service/platform/Sample\"")));
        yield return Update("a wildcard region and account", Allowed, One(Allow("\"ecs:UpdateService\"", "\"arn:aws:ecs:*:*:service/platform/*\"")));
        yield return Update("a wildcard for another cluster", Implicit, One(Allow("\"ecs:UpdateService\"", "\"arn:aws:ecs:*:*:service/other/*\"")));
        yield return Update("another account", Implicit, One(Allow("\"ecs:UpdateService\"", "\"arn:aws:ecs:us-east-1:111122223333:service/platform/sample\"")));
        yield return Update("? is one character of a resource", Allowed, One(Allow("\"ecs:UpdateService\"", "\"arn:aws:ecs:us-east-?:000000000000:service/platform/sampl?\"")));
        yield return Get("a key prefix's * spans slashes", Allowed, One(Allow("\"s3:GetObject\"", "\"arn:aws:s3:::artifacts/*\"")));
        yield return Get("another bucket", Implicit, One(Allow("\"s3:GetObject\"", "\"arn:aws:s3:::artifacts-other/*\"")));
        yield return Get("NotResource allows every other resource", Allowed, One(Statement("Allow", "\"s3:GetObject\"", "\"arn:aws:s3:::secrets/*\"", resourceElement: "NotResource")));
        yield return Get("NotResource does not allow the listed resource", Implicit,
            One(Statement("Allow", "\"s3:GetObject\"", "\"arn:aws:s3:::artifacts/*\"", resourceElement: "NotResource")));
        yield return Get("a deny with NotResource denies every other resource", Explicit,
            One(Allow("\"s3:*\"", "\"*\"") + "," + Statement("Deny", "\"s3:*\"", "[\"arn:aws:s3:::public\",\"arn:aws:s3:::public/*\"]", resourceElement: "NotResource")));
        string[] home = [Policy(Allow("\"s3:GetObject\"", "\"arn:aws:s3:::artifacts/home/${aws:username}/*\""))];
        const string user = "arn:aws:iam::000000000000:user/alice";
        yield return new PolicyCase("${aws:username} in a resource", home, "s3:GetObject", "arn:aws:s3:::artifacts/home/alice/notes.txt", Keys(("aws:username", "alice")), Allowed, user);
        yield return new PolicyCase("${aws:username} of another user", home, "s3:GetObject", "arn:aws:s3:::artifacts/home/bob/notes.txt", Keys(("aws:username", "alice")), Implicit, user);
        yield return new PolicyCase("a variable without a value matches nothing", home, "s3:GetObject", "arn:aws:s3:::artifacts/home//notes.txt", [], Implicit);
        yield return new PolicyCase("a variable's default value", [Policy(Allow("\"s3:GetObject\"", "\"arn:aws:s3:::artifacts/home/${aws:username, 'shared'}/*\""))],
            "s3:GetObject", "arn:aws:s3:::artifacts/home/shared/notes.txt", [], Allowed);

        // Condition operators, missing keys, IfExists, several values and keys.
        const string passRole = """{"StringEquals":{"iam:PassedToService":"ecs-tasks.amazonaws.com"}}""";
        string[] passToEcs = [Policy(Allow("\"iam:PassRole\"", "\"arn:aws:iam::000000000000:role/TaskRole\"", passRole))];
        PolicyCase Pass(string name, string expected, params (string, string)[] context) =>
            new(name, passToEcs, "iam:PassRole", "arn:aws:iam::000000000000:role/TaskRole", Keys(context), expected);
        yield return Pass("StringEquals on iam:PassedToService", Allowed, ("iam:PassedToService", "ecs-tasks.amazonaws.com"));
        yield return Pass("StringEquals for another service", Implicit, ("iam:PassedToService", "codebuild.amazonaws.com"));
        yield return Pass("StringEquals on a missing key", Implicit);
        yield return Update("StringNotEquals on a missing key holds", Allowed, AllowUpdateWhen("""{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}"""));
        yield return Update("StringNotEquals of the request's value", Implicit, AllowUpdateWhen("""{"StringNotEquals":{"aws:RequestedRegion":"us-east-1"}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("StringEqualsIfExists on a missing key holds", Allowed, AllowUpdateWhen("""{"StringEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}"""));
        yield return Update("StringEqualsIfExists on another value", Implicit, AllowUpdateWhen("""{"StringEqualsIfExists":{"aws:RequestedRegion":"us-east-1"}}"""), ("aws:RequestedRegion", "eu-west-1"));
        yield return Update("StringEquals is case-sensitive", Implicit, AllowUpdateWhen("""{"StringEquals":{"aws:RequestedRegion":"US-EAST-1"}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("StringEqualsIgnoreCase", Allowed, AllowUpdateWhen("""{"StringEqualsIgnoreCase":{"aws:RequestedRegion":"US-EAST-1"}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("condition key names ignore case", Allowed, AllowUpdateWhen("""{"StringEquals":{"AWS:requestedregion":"us-east-1"}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("StringLike with a wildcard", Allowed, AllowUpdateWhen("""{"StringLike":{"aws:RequestedRegion":"us-*"}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("StringNotLike of a matching value", Implicit, AllowUpdateWhen("""{"StringNotLike":{"aws:RequestedRegion":"us-*"}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("one of several listed values (OR)", Allowed, AllowUpdateWhen("""{"StringEquals":{"aws:RequestedRegion":["eu-west-1","us-east-1"]}}"""), ("aws:RequestedRegion", "us-east-1"));
        yield return Update("every key must hold (AND)", Implicit,
            AllowUpdateWhen("""{"StringEquals":{"aws:RequestedRegion":"us-east-1","aws:PrincipalAccount":"111122223333"}}"""), ("aws:RequestedRegion", "us-east-1"), ("aws:PrincipalAccount", "000000000000"));
        yield return Update("every operator must hold (AND)", Implicit,
            AllowUpdateWhen("""{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"Bool":{"aws:SecureTransport":"true"}}"""), ("aws:RequestedRegion", "us-east-1"), ("aws:SecureTransport", "false"));
        yield return Update("a variable in a condition value", Allowed,
            AllowUpdateWhen("""{"StringEquals":{"aws:PrincipalTag/team":"${aws:PrincipalTag/owner}"}}"""), ("aws:PrincipalTag/team", "web"), ("aws:PrincipalTag/owner", "web"));
        yield return Update("ArnLike with wildcards", Allowed,
            AllowUpdateWhen("""{"ArnLike":{"aws:SourceArn":"arn:aws:events:*:000000000000:rule/*"}}"""), ("aws:SourceArn", "arn:aws:events:us-east-1:000000000000:rule/platform-push"));
        yield return Update("ArnLike of another account", Implicit,
            AllowUpdateWhen("""{"ArnLike":{"aws:SourceArn":"arn:aws:events:*:111122223333:rule/*"}}"""), ("aws:SourceArn", "arn:aws:events:us-east-1:000000000000:rule/platform-push"));
        yield return Update("ArnEquals", Allowed,
            AllowUpdateWhen("""{"ArnEquals":{"aws:SourceArn":"arn:aws:events:us-east-1:000000000000:rule/platform-push"}}"""), ("aws:SourceArn", "arn:aws:events:us-east-1:000000000000:rule/platform-push"));
        yield return Update("ArnNotLike on a missing key holds", Allowed, AllowUpdateWhen("""{"ArnNotLike":{"aws:SourceArn":"arn:aws:events:*:*:rule/*"}}"""));
        yield return Update("Bool true", Allowed, AllowUpdateWhen("""{"Bool":{"aws:SecureTransport":"true"}}"""), ("aws:SecureTransport", "true"));
        yield return Update("Bool on a missing key", Implicit, AllowUpdateWhen("""{"Bool":{"aws:SecureTransport":"true"}}"""));
        yield return Update("a deny with BoolIfExists false", Explicit,
            [Policy(Allow("\"*\"", "\"*\""), Deny("\"*\"", "\"*\"", """{"BoolIfExists":{"aws:SecureTransport":"false"}}"""))], ("aws:SecureTransport", "false"));
        yield return Update("a deny with BoolIfExists on a missing key", Explicit,
            [Policy(Allow("\"*\"", "\"*\""), Deny("\"*\"", "\"*\"", """{"BoolIfExists":{"aws:SecureTransport":"false"}}"""))]);
        yield return Update("Null true: the key is absent", Allowed, AllowUpdateWhen("""{"Null":{"aws:TokenIssueTime":"true"}}"""));
        yield return Update("Null false: the key is present", Implicit, AllowUpdateWhen("""{"Null":{"aws:TokenIssueTime":"false"}}"""));
        yield return Update("NumericLessThan", Allowed, AllowUpdateWhen("""{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"""), ("aws:MultiFactorAuthAge", "120"));
        yield return Update("NumericLessThan too old", Implicit, AllowUpdateWhen("""{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}"""), ("aws:MultiFactorAuthAge", "7200"));
        yield return Update("NumericGreaterThanEquals on a missing key", Implicit, AllowUpdateWhen("""{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"0"}}"""));
        yield return Update("DateLessThan", Allowed, AllowUpdateWhen("""{"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"""), ("aws:CurrentTime", "2026-12-02T23:00:00Z"));
        yield return Update("DateGreaterThan", Implicit, AllowUpdateWhen("""{"DateGreaterThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}"""), ("aws:CurrentTime", "2026-12-02T23:00:00Z"));
        yield return Update("IpAddress in the block", Allowed, AllowUpdateWhen("""{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"""), ("aws:SourceIp", "203.0.113.7"));
        yield return Update("NotIpAddress of an address in the block", Implicit, AllowUpdateWhen("""{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"""), ("aws:SourceIp", "203.0.113.7"));

        // Multivalued keys: ForAllValues (every request value listed; an absent key holds), ForAnyValue (one listed).
        const string allTags = """{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}""";
        const string anyTag = """{"ForAnyValue:StringEquals":{"aws:TagKeys":["team"]}}""";
        yield return Update("ForAllValues: a subset of the listed values", Allowed, AllowUpdateWhen(allTags), ("aws:TagKeys", "team"));
        yield return Update("ForAllValues: a value not listed", Implicit, AllowUpdateWhen(allTags), ("aws:TagKeys", "team"), ("aws:TagKeys", "cost"));
        yield return Update("ForAllValues: an absent key holds", Allowed, AllowUpdateWhen(allTags));
        yield return Update("ForAnyValue: one listed value", Allowed, AllowUpdateWhen(anyTag), ("aws:TagKeys", "cost"), ("aws:TagKeys", "team"));
        yield return Update("ForAnyValue: no listed value", Implicit, AllowUpdateWhen(anyTag), ("aws:TagKeys", "cost"));
        yield return Update("ForAnyValue: an absent key does not hold", Implicit, AllowUpdateWhen(anyTag));
        yield return Update("ForAnyValue:StringNotEquals on an absent key", Implicit, AllowUpdateWhen("""{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}"""));
        yield return Update("ForAnyValue:StringNotEquals with one other value", Allowed,
            AllowUpdateWhen("""{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team"]}}"""), ("aws:TagKeys", "team"), ("aws:TagKeys", "cost"));
        yield return Update("ForAllValues:StringNotLike", Implicit,
            AllowUpdateWhen("""{"ForAllValues:StringNotLike":{"aws:TagKeys":["aws:*"]}}"""), ("aws:TagKeys", "team"), ("aws:TagKeys", "aws:cloudformation:stack-id"));

        // Fails closed on what is not evaluated (the simulator refuses these policies, so they are ours alone).
        yield return OursAlone("an unknown operator never allows", Implicit, AllowUpdateWhen("""{"StringSoundsLike":{"aws:RequestedRegion":"us"}}"""));
        yield return OursAlone("a deny with an unknown operator denies", Explicit,
            [Policy(Allow("\"*\"", "\"*\""), Deny("\"*\"", "\"*\"", """{"StringSoundsLike":{"aws:RequestedRegion":"us"}}"""))]);
        yield return OursAlone("Action and NotAction together never allow", Implicit,
            [Policy("""{"Effect":"Allow","Action":"ecs:*","NotAction":"iam:*","Resource":"*"}""")]);
        yield return OursAlone("a statement without Resource never allows", Implicit, [Policy("""{"Effect":"Allow","Action":"ecs:*"}""")]);
        yield return OursAlone("a document that is not JSON allows nothing", Implicit, ["{"]);
    }
}
