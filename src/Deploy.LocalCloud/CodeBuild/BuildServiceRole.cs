using Deploy.LocalCloud.Iam.Authorization;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>
/// What CodeBuild itself does with a project's service role, apart from the credentials the build's commands get:
/// it assumes the role as <c>codebuild.amazonaws.com</c>, creates and writes the build's CloudWatch Logs stream, reads
/// the source (S3, CodePipeline's artifact, CodeCommit) and writes the artifacts. Each is authorized as that session
/// (and lands in the IAM trail); a refusal fails the build in the phase where CodeBuild reports it.
/// </summary>
internal sealed class BuildServiceRole(ServiceRoleSessions sessions)
{
    /// <summary>The build's session of its service role; with the build's log stream checked when it has one (PROVISIONING).</summary>
    public ServiceRoleSession Assume(BuildRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var build = record.Build;
        var roleArn = build["serviceRole"]?.GetValue<string>();
        var buildArn = build["arn"]!.GetValue<string>();
        ServiceRoleSession session;
        try
        {
            session = sessions.Assume(roleArn, "codebuild.amazonaws.com", BuildCredentialGrants.SessionName(record.BuildId), "CodeBuild");
        }
        catch (RoleSessionDeniedException denied)
        {
            throw new BuildFailure("ACCESS_DENIED", $"{denied.Message}: check the role's trust policy names codebuild.amazonaws.com");
        }

        if (build["logs"] is { } logs && logs["groupName"]?.GetValue<string>() is { } group && logs["streamName"]?.GetValue<string>() is { } stream)
        {
            var parts = buildArn.Split(':');
            var streamArn = $"arn:aws:logs:{parts[3]}:{parts[4]}:log-group:{group}:log-stream:{stream}";
            try
            {
                session.Require("logs:CreateLogStream", streamArn);
                session.Require("logs:PutLogEvents", streamArn);
            }
            catch (RoleSessionDeniedException denied)
            {
                throw new BuildFailure("ACCESS_DENIED",
                    $"Service role {roleArn} does not allow AWS CodeBuild to create Amazon CloudWatch Logs log streams for build {buildArn}. Error message: {denied.Message}");
            }
        }

        return session;
    }
}
