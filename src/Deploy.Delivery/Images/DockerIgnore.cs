using System.Text;
using System.Text.RegularExpressions;

namespace Deploy.Delivery.Images;

/// <summary>
/// A <c>.dockerignore</c> file read and matched as the docker CLI does (moby's ignorefile and patternmatcher):
/// comments and blank lines skipped, patterns cleaned and made relative, <c>*</c>, <c>?</c>, <c>[...]</c>,
/// <c>**</c>, <c>!</c> exceptions where the last matching pattern wins, and a directory's result inherited by
/// everything below it. Paths are relative to the context and use <c>/</c>.
/// </summary>
internal sealed class DockerIgnore
{
    public const string FileName = ".dockerignore";

    private readonly List<IgnorePattern> patterns;

    private DockerIgnore(List<IgnorePattern> patterns) => this.patterns = patterns;

    public IReadOnlyList<IgnorePattern> Patterns => patterns;

    /// <summary>Whether any <c>!</c> exception exists; without one an ignored directory is skipped whole.</summary>
    public bool HasExceptions => patterns.Any(p => p.IsException);

    public static DockerIgnore Load(string contextDirectory)
    {
        var path = Path.Combine(contextDirectory, FileName);
        return Parse(File.Exists(path) ? File.ReadAllText(path) : "");
    }

    public static DockerIgnore Parse(string content)
    {
        var result = new List<IgnorePattern>();
        var lines = content.TrimStart('\uFEFF').Split('\n');
        foreach (var rawLine in lines)
        {
            // The comment check runs before trimming, so "  # x" is a pattern, as in the CLI.
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith('#'))
                continue;
            line = line.Trim();
            if (line.Length == 0)
                continue;
            var isException = line[0] == '!';
            if (isException)
                line = line[1..].Trim();
            if (line.Length > 0)
            {
                line = CleanPath(line);
                if (line.Length > 1 && line[0] == '/')
                    line = line[1..];
            }

            if (isException && line.Length == 0)
                throw new FormatException("Invalid .dockerignore: illegal exception pattern \"!\"");
            result.Add(new IgnorePattern(CleanPath(line), isException));
        }

        return new DockerIgnore(result);
    }

    /// <summary>
    /// The file is sent even though a pattern ignores it (the CLI does this for the Dockerfile and .dockerignore):
    /// appends an exception when the file is ignored, exactly as <c>TrimBuildFilesFromExcludes</c>.
    /// </summary>
    public DockerIgnore Keeping(string path) =>
        IsIgnored(path) ? new DockerIgnore([.. patterns, new IgnorePattern(path, true)]) : this;

    /// <summary>Whether <paramref name="path"/> is ignored, judging its parent directories too.</summary>
    public bool IsIgnored(string path) => Match(path, null).Ignored;

    /// <summary>
    /// The result for <paramref name="path"/> given its parent directory's result (null for top-level entries,
    /// or to judge every ancestor): the same incremental rule the CLI's archiver applies while walking.
    /// </summary>
    public IgnoreMatch Match(string path, IgnoreMatch? parent)
    {
        var ignored = false;
        var matched = new bool[patterns.Count];
        for (var i = 0; i < patterns.Count; i++)
        {
            var pattern = patterns[i];
            var match = parent?.PatternMatched[i] ?? false;
            if (!match)
            {
                // An inclusion cannot change an already ignored path, nor an exception a kept one.
                if (pattern.IsException != ignored)
                    continue;
                match = pattern.Matches(path);
                if (!match && parent is null)
                    match = Ancestors(path).Any(pattern.Matches);
            }

            matched[i] = match;
            if (match)
                ignored = !pattern.IsException;
        }

        return new IgnoreMatch(ignored, matched);
    }

    /// <summary>Whether an exception could re-include something under an ignored <paramref name="directory"/>.</summary>
    public bool MayKeepSomethingUnder(string directory) =>
        patterns.Any(p => p.IsException && (p.Pattern + "/").StartsWith(directory + "/", StringComparison.Ordinal));

    private static IEnumerable<string> Ancestors(string path)
    {
        for (var slash = path.IndexOf('/', StringComparison.Ordinal); slash > 0; slash = path.IndexOf('/', slash + 1))
            yield return path[..slash];
    }

    /// <summary>Go's <c>path.Clean</c>: no empty, <c>.</c> or resolvable <c>..</c> elements, no trailing slash.</summary>
    internal static string CleanPath(string path)
    {
        if (path.Length == 0)
            return ".";
        var rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (var part in path.Split('/'))
        {
            if (part is "" or ".")
                continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
                parts.RemoveAt(parts.Count - 1);
            else if (part != ".." || !rooted)
                parts.Add(part);
        }

        var cleaned = (rooted ? "/" : "") + string.Join('/', parts);
        return cleaned.Length == 0 ? "." : cleaned;
    }
}

/// <summary>One path's result, and which patterns matched it, for its children to inherit.</summary>
internal sealed record IgnoreMatch(bool Ignored, IReadOnlyList<bool> PatternMatched);

/// <summary>One cleaned pattern, compiled the way moby's patternmatcher compiles it.</summary>
internal sealed class IgnorePattern
{
    private readonly MatchKind kind;
    private readonly Regex? regex;

    public IgnorePattern(string pattern, bool isException)
    {
        Pattern = pattern;
        IsException = isException;
        (kind, regex) = Compile(pattern);
    }

    private enum MatchKind
    {
        Exact,
        Prefix,
        Suffix,
        Expression,
    }

    public string Pattern { get; }

    public bool IsException { get; }

    public bool Matches(string path) => kind switch
    {
        MatchKind.Exact => path == Pattern,
        MatchKind.Prefix => path.StartsWith(Pattern[..^2], StringComparison.Ordinal),
        MatchKind.Suffix => path.EndsWith(Pattern[2..], StringComparison.Ordinal)
            || (Pattern.Length > 2 && Pattern[2] == '/' && path == Pattern[3..]),
        _ => regex!.IsMatch(path),
    };

    public override string ToString() => (IsException ? "!" : "") + Pattern;

    // A port of patternmatcher's compile: plain patterns compare as strings, a leading "**" as a suffix,
    // a trailing "**" as a prefix, anything else as an anchored expression.
    private static (MatchKind, Regex?) Compile(string pattern)
    {
        var expression = new StringBuilder("^");
        var kind = MatchKind.Exact;
        for (var i = 0; i < pattern.Length; i++)
        {
            var start = i;
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                i++;
                if (i + 1 < pattern.Length && pattern[i + 1] == '/')
                    i++; // "**/" is "**"
                if (i + 1 == pattern.Length)
                {
                    if (kind == MatchKind.Exact)
                    {
                        kind = MatchKind.Prefix;
                    }
                    else
                    {
                        expression.Append(".*");
                        kind = MatchKind.Expression;
                    }
                }
                else
                {
                    expression.Append("(.*/)?");
                    kind = MatchKind.Expression;
                }

                if (start == 0)
                    kind = MatchKind.Suffix;
            }
            else if (c == '*')
            {
                expression.Append("[^/]*");
                kind = MatchKind.Expression;
            }
            else if (c == '?')
            {
                expression.Append("[^/]");
                kind = MatchKind.Expression;
            }
            else if (".+()|{}$".Contains(c, StringComparison.Ordinal))
            {
                expression.Append('\\').Append(c);
            }
            else if (c == '\\')
            {
                if (i + 1 < pattern.Length)
                {
                    expression.Append('\\').Append(pattern[++i]);
                    kind = MatchKind.Expression;
                }
                else
                {
                    expression.Append(@"\\");
                }
            }
            else if (c is '[' or ']')
            {
                expression.Append(c);
                kind = MatchKind.Expression;
            }
            else
            {
                expression.Append(c);
            }
        }

        if (kind != MatchKind.Expression)
            return (kind, null);
        try
        {
            return (kind, new Regex(expression.Append('$').ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
        }
        catch (ArgumentException e)
        {
            throw new FormatException($"Invalid .dockerignore pattern \"{pattern}\": {e.Message}", e);
        }
    }
}
