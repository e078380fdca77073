namespace Deploy.Engine;

/// <summary>How many values an option takes.</summary>
internal enum OptionArity
{
    /// <summary>No value.</summary>
    Flag,

    /// <summary>A bool: the next argument only if it reads as a boolean.</summary>
    OptionalBool,

    /// <summary>Exactly the next argument.</summary>
    One,

    /// <summary>Every argument up to the next <c>--option</c>.</summary>
    Many,
}

/// <summary>A <c>--name values</c> pair that is not a built-in switch.</summary>
internal sealed record OptionValue(string Name, IReadOnlyList<string> Values);

/// <summary>The parsed command line: targets, built-in switches and parameter options.</summary>
internal sealed class CommandLine
{
    private static readonly Dictionary<string, OptionArity> BuiltIns = new(StringComparer.Ordinal)
    {
        ["target"] = OptionArity.Many,
        ["skip"] = OptionArity.Many,
        ["profile"] = OptionArity.One, // repeatable; a list would swallow the targets after it
        ["verbosity"] = OptionArity.One,
        ["root"] = OptionArity.One,
        ["help"] = OptionArity.Flag,
        ["plan"] = OptionArity.Flag,
    };

    public List<string> Targets { get; } = [];

    /// <summary>Null without <c>--skip</c>; empty for a bare <c>--skip</c> (skip everything not invoked).</summary>
    public List<string>? Skip { get; private set; }

    public List<string> Profiles { get; } = [];
    public Verbosity Verbosity { get; private set; } = Verbosity.Normal;
    public string? Root { get; private set; }
    public bool Help { get; private set; }
    public bool Plan { get; private set; }
    public List<OptionValue> Options { get; } = [];

    /// <param name="args">The raw arguments.</param>
    /// <param name="arityOf">Arity of a parameter option by name; null when unknown.</param>
    public static CommandLine Parse(IReadOnlyList<string> args, Func<string, OptionArity?> arityOf)
    {
        var result = new CommandLine();
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (argument is "-h" or "-?")
            {
                result.Help = true;
                continue;
            }

            if (!argument.StartsWith("--", StringComparison.Ordinal) || argument.Length == 2)
            {
                if (argument.StartsWith('-') && argument.Length > 1)
                    throw new BuildConfigurationException($"Unknown option '{argument}'. Options start with '--'.");
                result.Targets.AddRange(SplitList(argument));
                continue;
            }

            var name = argument[2..];
            var values = new List<string>();
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                values.Add(name[(equals + 1)..]);
                name = name[..equals];
            }

            var key = NameMatcher.Normalize(name);
            var arity = BuiltIns.TryGetValue(key, out var builtIn) ? builtIn : arityOf(name) ?? OptionArity.Many;
            if (equals < 0)
                i = TakeValues(args, i, arity, values);
            result.Apply(name, key, values);
        }

        return result;
    }

    private static int TakeValues(IReadOnlyList<string> args, int index, OptionArity arity, List<string> values)
    {
        bool IsValue(int at) => at < args.Count && !args[at].StartsWith("--", StringComparison.Ordinal) && args[at] != "-h";
        switch (arity)
        {
            case OptionArity.OptionalBool when IsValue(index + 1) && ValueConverter.TryConvert(typeof(bool), [args[index + 1]], out _, out _):
            case OptionArity.One when IsValue(index + 1):
                values.Add(args[index + 1]);
                return index + 1;
            case OptionArity.Many:
                while (IsValue(index + 1))
                    values.Add(args[++index]);
                return index;
            default:
                return index;
        }
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private void Apply(string name, string key, List<string> values)
    {
        switch (key)
        {
            case "target":
                Targets.AddRange(values.SelectMany(SplitList));
                break;
            case "skip":
                Skip ??= [];
                Skip.AddRange(values.SelectMany(SplitList));
                break;
            case "profile":
                Profiles.AddRange(values.SelectMany(SplitList));
                break;
            case "verbosity":
                Verbosity = ValueConverter.TryConvert(typeof(Verbosity), values, out var verbosity, out var error)
                    ? (Verbosity)verbosity!
                    : throw new BuildConfigurationException($"Option --verbosity: {error}.");
                break;
            case "root":
                Root = values.Count == 1 ? values[0] : throw new BuildConfigurationException("Option --root expects one directory.");
                break;
            case "help":
                Help = true;
                break;
            case "plan":
                Plan = true;
                break;
            default:
                Options.Add(new OptionValue(name, values));
                break;
        }
    }
}
