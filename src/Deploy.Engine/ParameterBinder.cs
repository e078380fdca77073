using System.Text.Json;

namespace Deploy.Engine;

/// <summary>
/// Sets parameter members from, highest precedence first: the command line, environment variables,
/// <c>.nuke/parameters.&lt;profile&gt;.json</c> (later profiles win), <c>.nuke/parameters.json</c>, the initializer.
/// </summary>
internal sealed class ParameterBinder(string rootDirectory, IReadOnlyDictionary<string, string> environment)
{
    /// <summary>JSON keys that configure the run rather than a parameter.</summary>
    private static readonly string[] RunKeys = ["Target", "Skip"];

    /// <summary><c>Target</c> from the JSON files, used when the command line names no target.</summary>
    public IReadOnlyList<string>? JsonTargets { get; private set; }

    /// <summary><c>Skip</c> from the JSON files, used when the command line has no <c>--skip</c>.</summary>
    public IReadOnlyList<string>? JsonSkip { get; private set; }

    private readonly Dictionary<string, string> variablesByName = IndexVariables(environment);

    public void Bind(BuildBase build, IReadOnlyList<ParameterMember> parameters, CommandLine commandLine)
    {
        CheckOptionNames(parameters, commandLine);
        var files = LoadJsonFiles(commandLine.Profiles, parameters);
        foreach (var parameter in parameters)
        {
            parameter.DefaultValue = parameter.GetValue(build);
            var (values, source, origin) = Find(parameter, commandLine, files);
            if (values is null)
                continue;
            if (!ValueConverter.TryConvert(parameter.Type, values, out var value, out var error))
                throw new BuildConfigurationException($"Parameter {parameter.OptionName}: {error} (from {origin}).");
            parameter.SetValue(build, value);
            parameter.Source = source;
        }
    }

    /// <summary>What <see cref="Bind"/> checks before it converts any value: option names, profile files and their keys.</summary>
    public void CheckNames(IReadOnlyList<ParameterMember> parameters, CommandLine commandLine)
    {
        CheckOptionNames(parameters, commandLine);
        LoadJsonFiles(commandLine.Profiles, parameters);
    }

    private static void CheckOptionNames(IReadOnlyList<ParameterMember> parameters, CommandLine commandLine)
    {
        foreach (var option in commandLine.Options)
        {
            if (!parameters.Any(p => p.IsNamed(option.Name)))
            {
                var known = parameters.Select(p => NameMatcher.ToKebab(p.Name)).Concat(["target", "skip", "profile", "verbosity", "root", "plan", "help"]);
                var suggestion = NameMatcher.Suggest(option.Name, known);
                throw new BuildConfigurationException(
                    $"Unknown option '--{option.Name}'." + (suggestion is null ? "" : $" Did you mean '--{suggestion}'?"));
            }
        }
    }

    private (IReadOnlyList<string>? Values, string Source, string Origin) Find(
        ParameterMember parameter, CommandLine commandLine, List<JsonParameters> files)
    {
        var option = commandLine.Options.LastOrDefault(o => parameter.IsNamed(o.Name));
        if (option is not null)
            return (option.Values, "--" + option.Name, "command line --" + option.Name);

        var (byName, byMemberName) = (Variable(parameter.NormalizedName), Variable(parameter.NormalizedMemberName));
        var variable = byName is not null && byMemberName is not null && string.CompareOrdinal(byMemberName, byName) < 0 ? byMemberName : byName ?? byMemberName;
        if (variable is not null)
            return ([environment[variable]], "env " + variable, "environment variable " + variable);

        foreach (var file in Enumerable.Reverse(files))
        {
            var key = file.Values.Keys.FirstOrDefault(parameter.IsNamed);
            if (key is not null)
                return (file.Values[key], file.Name, file.Name);
        }

        return (null, "default", "default");
    }

    /// <summary>The set environment variable spelled as the normalized name.</summary>
    private string? Variable(string normalizedName) => variablesByName.GetValueOrDefault(normalizedName);

    /// <summary>
    /// Set variables by normalized name; of several spellings the first in ordinal order, so the choice is deterministic.
    /// Indexed once, not scanned per parameter.
    /// </summary>
    private static Dictionary<string, string> IndexVariables(IReadOnlyDictionary<string, string> environment)
    {
        var index = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in environment)
        {
            var name = NameMatcher.Normalize(key);
            if (value.Length > 0 && (!index.TryGetValue(name, out var other) || string.CompareOrdinal(key, other) < 0))
                index[name] = key;
        }

        return index;
    }

    private List<JsonParameters> LoadJsonFiles(IReadOnlyList<string> profiles, IReadOnlyList<ParameterMember> parameters)
    {
        var files = new List<JsonParameters>();
        var defaultFile = Path.Combine(rootDirectory, ".nuke", "parameters.json");
        if (File.Exists(defaultFile))
            files.Add(Load(defaultFile, ".nuke/parameters.json", parameters));
        foreach (var profile in profiles)
        {
            var path = Path.Combine(rootDirectory, ".nuke", $"parameters.{profile}.json");
            if (!File.Exists(path))
                throw new BuildConfigurationException($"Profile '{profile}' not found: .nuke/parameters.{profile}.json does not exist.");
            files.Add(Load(path, $".nuke/parameters.{profile}.json", parameters));
        }

        return files;
    }

    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Parses a document of every shape a parameters file has, so the first real parse finds the reader ready.</summary>
    public static void WarmUp()
    {
        using var document = JsonDocument.Parse("""{ "a": "b", "c": [1, true, null] }""", JsonOptions);
        foreach (var property in document.RootElement.EnumerateObject())
            _ = ToStrings(property.Value, "", property.Name);
    }

    private JsonParameters Load(string path, string name, IReadOnlyList<ParameterMember> parameters)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException exception)
        {
            throw new BuildConfigurationException($"{name} is not valid JSON: {exception.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new BuildConfigurationException($"{name} must contain a JSON object.");
            var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == "$schema")
                    continue;
                var text = ToStrings(property.Value, name, property.Name);
                if (RunKeys.FirstOrDefault(k => NameMatcher.Matches(k, property.Name)) is { } runKey)
                {
                    if (runKey == "Target")
                        JsonTargets = text;
                    else
                        JsonSkip = text;
                    continue;
                }

                if (!parameters.Any(p => p.IsNamed(property.Name)))
                {
                    throw new BuildConfigurationException(
                        $"Unknown parameter '{property.Name}' in {name}." + NameMatcher.DidYouMean(property.Name, parameters.Select(p => p.Name).Concat(RunKeys)));
                }

                if (text is not null)
                    values[property.Name] = text;
            }

            return new JsonParameters(name, values);
        }
    }

    private static List<string>? ToStrings(JsonElement element, string file, string key) => element.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Number => [element.GetRawText()],
        JsonValueKind.True => ["true"],
        JsonValueKind.False => ["false"],
        JsonValueKind.Array => [.. element.EnumerateArray().SelectMany(e => ToStrings(e, file, key) ?? [])],
        _ => throw new BuildConfigurationException($"Parameter '{key}' in {file}: objects are not supported."),
    };

    private sealed record JsonParameters(string Name, Dictionary<string, IReadOnlyList<string>> Values);
}
