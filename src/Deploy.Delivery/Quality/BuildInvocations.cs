using System.Text;

namespace Deploy.Delivery.Quality;

/// <summary>
/// Finds the <c>build.sh</c> commands in a line of shell and splits their arguments into words the way the shell passes
/// them (quotes removed, escapes resolved, variables left as written). A command ends at <c>;</c>, <c>&amp;&amp;</c>,
/// <c>||</c>, <c>|</c>, <c>&amp;</c>, a parenthesis or a comment; redirections and leading <c>NAME=value</c>
/// assignments are not arguments. A command is <c>build.sh</c> when its first word names that file, directly or
/// through <c>bash</c>/<c>sh</c>/<c>exec</c>.
/// </summary>
public static class BuildInvocations
{
    private const string Script = "build.sh";
    private static readonly HashSet<string> Launchers = new(StringComparer.Ordinal) { "bash", "sh", "exec", "command", "time" };

    /// <summary>The argument lists of every build.sh command in <paramref name="line"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Find(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var found = new List<IReadOnlyList<string>>();
        foreach (var command in Commands(line))
        {
            var words = command.SkipWhile(IsAssignment).ToList();
            while (words.Count > 1 && Launchers.Contains(words[0]))
            {
                words.RemoveAt(0);
            }

            if (words.Count > 0 && (words[0] == Script || words[0].EndsWith("/" + Script, StringComparison.Ordinal)))
            {
                found.Add(words[1..]);
            }
        }

        return found;
    }

    private static bool IsAssignment(string word)
    {
        var equals = word.IndexOf('=', StringComparison.Ordinal);
        return equals > 0 && word[..equals].All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(word[0]);
    }

    /// <summary>Simple commands as word lists, redirections dropped.</summary>
    private static List<List<string>> Commands(string line)
    {
        var commands = new List<List<string>> { new() };
        var word = new StringBuilder();
        var inWord = false;
        var skipNext = false; // the next word is a redirection's target
        void EndWord()
        {
            if (inWord)
            {
                if (!skipNext)
                {
                    commands[^1].Add(word.ToString());
                }

                skipNext = false;
            }

            word.Clear();
            inWord = false;
        }

        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            switch (c)
            {
                case ' ' or '\t':
                    EndWord();
                    break;
                case '#' when !inWord:
                    EndWord();
                    return commands;
                case ';' or '&' or '|' or '(' or ')':
                    EndWord();
                    if (c == '&' && i + 1 < line.Length && line[i + 1] == '>')
                    {
                        skipNext = true; // &> file
                        i++;
                        break;
                    }

                    commands.Add([]);
                    break;
                case '<' or '>':
                    // A file descriptor number before the operator (2>) belongs to it, not to the arguments.
                    if (inWord && word.ToString().All(char.IsAsciiDigit))
                    {
                        word.Clear();
                        inWord = false;
                    }

                    EndWord();
                    while (i + 1 < line.Length && line[i + 1] is '<' or '>' or '&')
                    {
                        i++;
                    }

                    // 2>&1 names a descriptor, not a file.
                    if (line[i] == '&' && i + 1 < line.Length && char.IsAsciiDigit(line[i + 1]))
                    {
                        while (i + 1 < line.Length && char.IsAsciiDigit(line[i + 1]))
                        {
                            i++;
                        }
                    }
                    else
                    {
                        skipNext = true;
                    }

                    break;
                case '\\':
                    inWord = true;
                    if (i + 1 < line.Length)
                    {
                        word.Append(line[++i]);
                    }

                    break;
                case '\'':
                    inWord = true;
                    var close = line.IndexOf('\'', i + 1);
                    close = close < 0 ? line.Length : close;
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    inWord = true;
                    i = DoubleQuoted(line, i + 1, word);
                    break;
                case '$' when i + 1 < line.Length && line[i + 1] == '(':
                    inWord = true;
                    i = Substitution(line, i, word);
                    break;
                default:
                    inWord = true;
                    word.Append(c);
                    break;
            }
        }

        EndWord();
        return commands;
    }

    /// <summary>Appends a double-quoted string's text (only <c>\"</c>, <c>\\</c>, <c>\$</c> and <c>\`</c> are escapes); returns the closing quote's index.</summary>
    private static int DoubleQuoted(string line, int start, StringBuilder word)
    {
        var i = start;
        for (; i < line.Length && line[i] != '"'; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length && line[i + 1] is '"' or '\\' or '$' or '`')
            {
                i++;
            }

            word.Append(line[i]);
        }

        return i;
    }

    /// <summary>Keeps <c>$( ... )</c> whole, as one part of the word; returns the closing parenthesis' index.</summary>
    private static int Substitution(string line, int start, StringBuilder word)
    {
        var depth = 0;
        var i = start;
        for (; i < line.Length; i++)
        {
            word.Append(line[i]);
            if (line[i] == '(')
            {
                depth++;
            }
            else if (line[i] == ')' && --depth == 0)
            {
                break;
            }
        }

        return i;
    }
}
