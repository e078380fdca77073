namespace Deploy.Delivery.Quality;

/// <summary>One problem a lint check found, printed as <c>file:line: message</c>.</summary>
public sealed record LintFinding(string File, int Line, string Message)
{
    public override string ToString() => $"{File}:{Line}: {Message}";
}
