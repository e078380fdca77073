namespace Deploy.Engine;

/// <summary>
/// Readable text of a condition from its source, as <c>[CallerArgumentExpression]</c> gives it: <c>() =&gt; IsServerBuild</c>
/// → <c>IsServerBuild</c>. The compiler hands over the text for free, where rendering an expression tree cost every
/// run the expression library and a compile of each condition.
/// </summary>
internal static class SourceText
{
    public static string OfLambda(string source)
    {
        var text = string.Join(' ', source.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.StartsWith("static ", StringComparison.Ordinal))
            text = text["static ".Length..];
        if (text.StartsWith("()", StringComparison.Ordinal) && text[2..].TrimStart().StartsWith("=>", StringComparison.Ordinal))
            text = text[2..].TrimStart()[2..].TrimStart();
        return text.Length == 0 ? "(condition)" : text;
    }
}
