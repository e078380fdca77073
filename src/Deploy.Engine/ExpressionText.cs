using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Deploy.Engine;

/// <summary>Turns condition lambdas into readable text: <c>() =&gt; IsServerBuild</c> → <c>IsServerBuild</c>.</summary>
internal static partial class ExpressionText
{
    public static string Of(LambdaExpression expression)
    {
        var text = ClosureReference().Replace(new EnumComparisons().Visit(expression.Body).ToString(), "")
            .Replace(" AndAlso ", " && ", StringComparison.Ordinal)
            .Replace(" OrElse ", " || ", StringComparison.Ordinal)
            .Replace("Not(", "!(", StringComparison.Ordinal);
        return IsWrapped(text) ? text[1..^1] : text;
    }

    /// <summary>Whether the first parenthesis closes at the very end, e.g. <c>(a &amp;&amp; (b))</c> but not <c>(a) || (b)</c>.</summary>
    private static bool IsWrapped(string text)
    {
        if (!text.StartsWith('(') || !text.EndsWith(')'))
            return false;
        var depth = 0;
        for (var i = 0; i < text.Length; i++)
        {
            depth += text[i] switch { '(' => 1, ')' => -1, _ => 0 };
            if (depth == 0)
                return i == text.Length - 1;
        }

        return false;
    }

    /// <summary>The member a lambda like <c>() =&gt; Region</c> reads, if it reads one directly.</summary>
    public static MemberInfo? MemberOf(LambdaExpression expression)
    {
        var body = expression.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert } convert)
            body = convert.Operand;
        return (body as MemberExpression)?.Member;
    }

    /// <summary>
    /// The compiler turns <c>Cloud == CloudKind.Local</c> into <c>Convert(Cloud, Int32) == 0</c>; print it as written
    /// (a bool parameter node prints as its name, which carries the readable text).
    /// </summary>
    private sealed class EnumComparisons : ExpressionVisitor
    {
        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (node.NodeType is ExpressionType.Equal or ExpressionType.NotEqual
                && node.Left is UnaryExpression { NodeType: ExpressionType.Convert, Operand: var operand }
                && operand.Type.IsEnum
                && node.Right is ConstantExpression { Value: { } value })
            {
                var name = Enum.GetName(operand.Type, Enum.ToObject(operand.Type, value)) ?? value.ToString();
                var left = ClosureReference().Replace(operand.ToString(), "");
                var op = node.NodeType == ExpressionType.Equal ? "==" : "!=";
                return Expression.Parameter(typeof(bool), $"{left} {op} {name}");
            }

            return base.VisitBinary(node);
        }
    }

    // Captured `this` and closures print as value(Namespace.Build+<>c__DisplayClass).Member.
    [GeneratedRegex(@"value\([^()]*\)\.")]
    private static partial Regex ClosureReference();
}
