using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Deploy.Engine;

/// <summary>Converts parameter text to typed values and back for display.</summary>
internal static partial class ValueConverter
{
    /// <summary>Converts <paramref name="values"/> to <paramref name="type"/>; on failure <paramref name="error"/> says why.</summary>
    public static bool TryConvert(Type type, IReadOnlyList<string> values, out object? result, out string error)
    {
        result = null;
        error = "";
        var elementType = ElementType(type);
        if (elementType is not null)
        {
            var items = values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
            var array = Array.CreateInstance(elementType, items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                if (!TryConvertScalar(elementType, items[i], out var item, out error))
                    return false;
                array.SetValue(item, i);
            }

            result = array;
            return true;
        }

        var scalarType = Nullable.GetUnderlyingType(type) ?? type;
        if (values.Count == 0)
        {
            if (scalarType == typeof(bool))
            {
                result = true; // a bare flag
                return true;
            }

            error = "a value is missing";
            return false;
        }

        if (values.Count > 1)
        {
            error = $"expects one value but got {values.Count} ({string.Join(", ", values.Select(v => $"'{v}'"))})";
            return false;
        }

        return TryConvertScalar(scalarType, values[0], out result, out error);
    }

    /// <summary>Element type for arrays and read-only lists, else null.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
            return type.GetElementType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }

    /// <summary>A short type name for --help and the schema.</summary>
    public static string Describe(Type type)
    {
        if (ElementType(type) is { } element)
            return Describe(element) + "[]";
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        return scalar switch
        {
            _ when scalar == typeof(string) => "string",
            _ when scalar == typeof(int) || scalar == typeof(long) => "integer",
            _ when scalar == typeof(double) => "number",
            _ when scalar == typeof(bool) => "bool",
            _ when scalar == typeof(TimeSpan) => "duration",
            _ when scalar.IsEnum => string.Join("|", Enum.GetNames(scalar).Select(NameMatcher.ToKebab)),
            _ => scalar.Name,
        };
    }

    /// <summary>Display text: <c>(none)</c>, <c>a,b</c>, <c>15m</c>, <c>true</c>.</summary>
    public static string Format(object? value) => value switch
    {
        null => "(none)",
        string text => text,
        bool flag => flag ? "true" : "false",
        TimeSpan duration => FormatDuration(duration),
        Enum member => NameMatcher.ToKebab(member.ToString()),
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(Format)),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    public static string FormatDuration(TimeSpan duration)
    {
        if (duration.Milliseconds != 0 || duration < TimeSpan.Zero)
            return duration.ToString("c", CultureInfo.InvariantCulture);
        var builder = new StringBuilder();
        var hours = (int)duration.TotalHours;
        if (hours > 0)
            builder.Append(CultureInfo.InvariantCulture, $"{hours}h");
        if (duration.Minutes > 0)
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Minutes}m");
        if (duration.Seconds > 0 || builder.Length == 0)
            builder.Append(CultureInfo.InvariantCulture, $"{duration.Seconds}s");
        return builder.ToString();
    }

    private static bool TryConvertScalar(Type type, string text, out object? result, out string error)
    {
        error = "";
        result = null;
        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        var invariant = CultureInfo.InvariantCulture;
        if (scalar == typeof(string))
            result = text;
        else if (scalar == typeof(int) && int.TryParse(text, NumberStyles.Integer, invariant, out var integer))
            result = integer;
        else if (scalar == typeof(long) && long.TryParse(text, NumberStyles.Integer, invariant, out var longInteger))
            result = longInteger;
        else if (scalar == typeof(double) && double.TryParse(text, NumberStyles.Float, invariant, out var number))
            result = number;
        else if (scalar == typeof(bool) && TryParseBool(text) is { } flag)
            result = flag;
        else if (scalar == typeof(TimeSpan) && TryParseDuration(text) is { } duration)
            result = duration;
        else if (scalar.IsEnum && Enum.GetNames(scalar).FirstOrDefault(n => NameMatcher.Matches(n, text)) is { } name)
            result = Enum.Parse(scalar, name);

        if (result is not null)
            return true;
        error = $"'{text}' " + (scalar switch
        {
            _ when scalar == typeof(int) || scalar == typeof(long) => "is not an integer",
            _ when scalar == typeof(double) => "is not a number",
            _ when scalar == typeof(bool) => "is not a boolean (true/false/yes/no/1/0)",
            _ when scalar == typeof(TimeSpan) => "is not a duration (e.g. 90s, 15m, 1h30m, 00:15:00)",
            _ when scalar.IsEnum => $"is not one of {string.Join(", ", Enum.GetNames(scalar).Select(NameMatcher.ToKebab))}",
            _ => $"cannot be converted to {scalar.Name} (unsupported parameter type)",
        });
        return false;
    }

    private static bool? TryParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "yes" or "1" => true,
        "false" or "no" or "0" => false,
        _ => null,
    };

    internal static TimeSpan? TryParseDuration(string text)
    {
        text = text.Trim();
        if (text.Contains(':', StringComparison.Ordinal))
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var exact) ? exact : null;
        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
            return null;
        int Part(string group) => match.Groups[group].Success ? int.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture) : 0;
        return new TimeSpan(Part("h"), Part("m"), Part("s"));
    }

    [GeneratedRegex(@"^(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>\d+)s)?$", RegexOptions.IgnoreCase)]
    private static partial Regex DurationPattern();
}
