using Deploy.Engine;

namespace Deploy.Delivery.Quality;

internal static class ToolResultExtensions
{
    /// <summary>Standard output then standard error: linters disagree on where findings go.</summary>
    public static IReadOnlyList<string> AllOutput(this ToolResult result) => [.. result.Output, .. result.ErrorOutput];
}
