namespace Deploy.LocalCloud.Iam.Authorization;

/// <summary>
/// The ARN of a resource a request names only in part, for authorization: a CloudFormation stack by its name (its ARN
/// ends with an id the request does not carry). AWS authorizes the resource's real ARN, so a policy naming the stack's
/// ARN (<c>Ref AWS::StackId</c>) must match it. Null when the service does not know the resource (the partial ARN stays).
/// </summary>
internal interface IAuthorizedResources
{
    string? Resolve(string service, string resourceType, Func<string, string?> member);
}
