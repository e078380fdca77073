using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Deploy.LocalCloud.CodeBuild;

/// <summary>The four phases a buildspec runs, in order, with their names in the buildspec and in BatchGetBuilds.</summary>
internal enum BuildspecPhaseName
{
    Install,
    PreBuild,
    Build,
    PostBuild,
}

internal sealed record BuildspecPhase(BuildspecPhaseName Name, IReadOnlyList<string> Commands, IReadOnlyList<string> Finally, bool ContinueOnFailure)
{
    public static string Key(BuildspecPhaseName name) => name switch
    {
        BuildspecPhaseName.Install => "install",
        BuildspecPhaseName.PreBuild => "pre_build",
        BuildspecPhaseName.Build => "build",
        _ => "post_build",
    };

    public static string PhaseType(BuildspecPhaseName name) => Key(name).ToUpperInvariant();
}

internal sealed record BuildspecArtifacts(IReadOnlyList<string> Files, string? BaseDirectory, bool DiscardPaths, string? Name);

/// <summary>A buildspec that cannot be run: the message goes into the DOWNLOAD_SOURCE phase context as YAML_FILE_ERROR.</summary>
internal sealed class BuildspecException(string message) : Exception(message);

/// <summary>
/// A buildspec 0.2 (AWS's build specification reference) read with YamlDotNet: <c>env</c> (<c>shell</c>, <c>variables</c>,
/// <c>exported-variables</c>), the four <c>phases</c> with <c>commands</c>, <c>finally</c> and <c>on-failure</c>, and
/// <c>artifacts</c> (<c>files</c>, <c>base-directory</c>, <c>discard-paths</c>, <c>name</c>). Keys the reference defines but
/// the local cloud does not run fail the build or are ignored with a warning in the log (<see cref="Warnings"/>); unknown
/// keys fail, as in CodeBuild.
/// </summary>
internal sealed partial class Buildspec
{
    private static readonly string[] TopLevel = ["version", "run-as", "env", "proxy", "batch", "phases", "reports", "artifacts", "cache"];
    private static readonly string[] EnvKeys = ["shell", "variables", "parameter-store", "exported-variables", "secrets-manager", "git-credential-helper"];
    private static readonly string[] PhaseKeys = ["run-as", "on-failure", "runtime-versions", "commands", "finally"];
    private static readonly string[] ArtifactKeys = ["files", "name", "discard-paths", "base-directory", "exclude-paths", "enable-symlinks", "s3-prefix", "secondary-artifacts"];
    private static readonly string[] CacheKeys = ["paths", "key", "fallback-keys", "action"];

    private readonly List<string> warnings = [];

    private Buildspec()
    {
    }

    public string Shell { get; private set; } = "bash";

    public IReadOnlyDictionary<string, string> Variables { get; private set; } = new Dictionary<string, string>();

    public IReadOnlyList<string> ExportedVariables { get; private set; } = [];

    public IReadOnlyList<BuildspecPhase> Phases { get; private set; } = [];

    public BuildspecArtifacts? Artifacts { get; private set; }

    /// <summary><c>cache/paths</c> as written (a project with a LOCAL_CUSTOM_CACHE links them, see <see cref="BuildCache"/>).</summary>
    public IReadOnlyList<string> CachePaths { get; private set; } = [];

    /// <summary>Ignored features, one line each, for the build log.</summary>
    public IReadOnlyList<string> Warnings => warnings;

    public static Buildspec Parse(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException error)
        {
            throw new BuildspecException($"YAML_FILE_ERROR: {Where(error.Start)}{error.Message}");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new BuildspecException("YAML_FILE_ERROR: the buildspec is not a YAML mapping (expected keys such as version and phases)");
        }

        var spec = new Buildspec();
        spec.Read(root);
        return spec;
    }

    private void Read(YamlMappingNode root)
    {
        CheckKeys(root, TopLevel, "buildspec");
        var version = Scalar(root, "version") ?? throw new BuildspecException("YAML_FILE_ERROR: missing key 'version' (the local cloud runs buildspec version 0.2)");
        if (version != "0.2")
        {
            throw new BuildspecException($"YAML_FILE_ERROR: version {version} is not supported: the local cloud runs buildspec version 0.2 (0.1 runs each command in its own shell)");
        }

        Unsupported(root, "run-as", "run-as (builds run as root)");
        Unsupported(root, "batch", "batch builds");
        Unsupported(root, "reports", "test reports (reports)");
        Ignored(root, "proxy", "proxy");
        if (Child(root, "cache") is { } cacheNode)
        {
            var cache = Mapping(cacheNode, "cache");
            CheckKeys(cache, CacheKeys, "cache");
            // key, fallback-keys and action name S3 cache entries; the local cloud has only the LOCAL cache.
            Ignored(cache, "key", "cache/key (S3 caches)");
            Ignored(cache, "fallback-keys", "cache/fallback-keys (S3 caches)");
            Ignored(cache, "action", "cache/action (S3 caches)");
            CachePaths = Child(cache, "paths") is { } paths ? Strings(paths, "cache/paths") : [];
        }

        if (Child(root, "env") is { } env)
        {
            var envMap = Mapping(env, "env");
            CheckKeys(envMap, EnvKeys, "env");
            Unsupported(envMap, "parameter-store", "env/parameter-store (no Systems Manager Parameter Store)");
            Unsupported(envMap, "secrets-manager", "env/secrets-manager (no Secrets Manager)");
            if (Scalar(envMap, "git-credential-helper") is "yes" or "true")
            {
                throw new BuildspecException("YAML_FILE_ERROR: env/git-credential-helper is not supported by the local cloud");
            }

            Shell = Scalar(envMap, "shell") ?? "bash";
            if (Shell is not ("bash" or "sh" or "/bin/sh" or "/bin/bash"))
            {
                throw new BuildspecException($"YAML_FILE_ERROR: env/shell '{Shell}' is not supported on Linux (bash or /bin/sh)");
            }

            Variables = Child(envMap, "variables") is { } variables ? Mapping(variables, "env/variables").Children.ToDictionary(
                pair => ValidName(ScalarText(pair.Key, "env/variables key"), "env/variables"),
                pair => ScalarText(pair.Value, $"env/variables/{ScalarText(pair.Key, "key")}"), StringComparer.Ordinal) : Variables;
            ExportedVariables = Child(envMap, "exported-variables") is { } exported
                ? [.. Strings(exported, "env/exported-variables").Select(name => ValidName(name, "env/exported-variables"))]
                : [];
        }

        var phases = Child(root, "phases") is { } phasesNode ? Mapping(phasesNode, "phases") : null;
        if (phases is not null)
        {
            CheckKeys(phases, Enum.GetValues<BuildspecPhaseName>().Select(BuildspecPhase.Key).ToArray(), "phases");
        }

        Phases = [.. Enum.GetValues<BuildspecPhaseName>().Select(name => ReadPhase(name, phases is null ? null : Child(phases, BuildspecPhase.Key(name))))];

        if (Child(root, "artifacts") is { } artifactsNode)
        {
            var artifacts = Mapping(artifactsNode, "artifacts");
            CheckKeys(artifacts, ArtifactKeys, "artifacts");
            Unsupported(artifacts, "secondary-artifacts", "artifacts/secondary-artifacts");
            Unsupported(artifacts, "exclude-paths", "artifacts/exclude-paths");
            Ignored(artifacts, "enable-symlinks", "artifacts/enable-symlinks");
            Ignored(artifacts, "s3-prefix", "artifacts/s3-prefix");
            var files = Child(artifacts, "files") is { } filesNode ? Strings(filesNode, "artifacts/files") : [];
            if (files.Count == 0)
            {
                throw new BuildspecException("YAML_FILE_ERROR: artifacts/files must list at least one path");
            }

            Artifacts = new BuildspecArtifacts(files, Scalar(artifacts, "base-directory"), Scalar(artifacts, "discard-paths") is "yes" or "true", Scalar(artifacts, "name"));
        }
    }

    private BuildspecPhase ReadPhase(BuildspecPhaseName name, YamlNode? node)
    {
        var path = $"phases/{BuildspecPhase.Key(name)}";
        if (node is null || node is YamlScalarNode { Value: null or "" })
        {
            return new BuildspecPhase(name, [], [], false);
        }

        var phase = Mapping(node, path);
        CheckKeys(phase, PhaseKeys, path);
        Unsupported(phase, "run-as", $"{path}/run-as (builds run as root)");
        Ignored(phase, "runtime-versions", $"{path}/runtime-versions (the image's tools are used as they are)");
        var onFailure = Scalar(phase, "on-failure") ?? "ABORT";
        if (onFailure is not ("ABORT" or "CONTINUE"))
        {
            throw new BuildspecException(onFailure.StartsWith("RETRY", StringComparison.Ordinal)
                ? $"YAML_FILE_ERROR: {path}/on-failure {onFailure} is not supported by the local cloud (ABORT or CONTINUE)"
                : $"YAML_FILE_ERROR: {path}/on-failure must be ABORT or CONTINUE, not '{onFailure}'");
        }

        var commands = Child(phase, "commands") is { } c ? Strings(c, $"{path}/commands") : [];
        var finallyCommands = Child(phase, "finally") is { } f ? Strings(f, $"{path}/finally") : [];
        return new BuildspecPhase(name, commands, finallyCommands, onFailure == "CONTINUE");
    }

    private static void CheckKeys(YamlMappingNode map, string[] known, string path)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = ScalarText(key, $"{path} key");
            if (!known.Contains(name, StringComparer.Ordinal))
            {
                throw new BuildspecException($"YAML_FILE_ERROR: {Where(key.Start)}unknown key '{name}' in {path} (expected one of: {string.Join(", ", known)})");
            }
        }
    }

    private static void Unsupported(YamlMappingNode map, string key, string feature)
    {
        if (Child(map, key) is { } node)
        {
            throw new BuildspecException($"YAML_FILE_ERROR: {Where(node.Start)}{feature} is not supported by the local cloud");
        }
    }

    private void Ignored(YamlMappingNode map, string key, string feature)
    {
        if (Child(map, key) is not null)
        {
            warnings.Add($"Warning: {feature} is ignored by the local cloud");
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode scalar && scalar.Value == key).Value;

    private static string? Scalar(YamlMappingNode map, string key) => Child(map, key) is { } node ? ScalarText(node, key) : null;

    private static YamlMappingNode Mapping(YamlNode node, string path) =>
        node as YamlMappingNode ?? throw new BuildspecException($"YAML_FILE_ERROR: {Where(node.Start)}{path} must be a mapping");

    private static string ScalarText(YamlNode node, string path) =>
        node is YamlScalarNode scalar ? scalar.Value ?? string.Empty
            : throw new BuildspecException($"YAML_FILE_ERROR: {Where(node.Start)}expected {path} to be of string type: found subkeys instead");

    private static List<string> Strings(YamlNode node, string path) => node switch
    {
        YamlSequenceNode sequence => [.. sequence.Children.Select((item, i) => ScalarText(item, $"{path}[{i}]"))],
        YamlScalarNode { Value: null or "" } => [],
        _ => throw new BuildspecException($"YAML_FILE_ERROR: {Where(node.Start)}{path} must be a list"),
    };

    private static string ValidName(string name, string path) =>
        VariableName().IsMatch(name) ? name : throw new BuildspecException($"YAML_FILE_ERROR: '{name}' in {path} is not a valid environment variable name");

    private static string Where(Mark mark) => mark.Line > 0 ? $"at line {mark.Line}: " : string.Empty;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex VariableName();
}
