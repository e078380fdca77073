using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Deploy.Engine;

/// <summary>Writes <c>.nuke/build.schema.json</c> (parameters and target names) when its content changed.</summary>
internal static class SchemaWriter
{
    /// <summary>
    /// Generates and compares the schema only when the compiled build or the schema file changed since the last check: a
    /// stamp (the build type and the versions of its and the engine's assemblies, the file's size and write time) says
    /// so without the JSON writer, which was a visible share of a warm <c>--help</c>.
    /// </summary>
    public static bool WriteIfChanged(string path, string stampPath, Type buildType, IReadOnlyList<ParameterMember> parameters, IReadOnlyList<TargetNode> targets)
    {
        ArgumentNullException.ThrowIfNull(buildType);
        var identity = $"{buildType.AssemblyQualifiedName} {VersionOf(buildType.Assembly)} {VersionOf(typeof(SchemaWriter).Assembly)}";
        if (File.Exists(stampPath) && File.ReadAllText(stampPath) == Stamp(identity, path))
            return false;
        var written = WriteIfChanged(path, parameters, targets);
        File.WriteAllText(stampPath, Stamp(identity, path));
        return written;
    }

    private static bool WriteIfChanged(string path, IReadOnlyList<ParameterMember> parameters, IReadOnlyList<TargetNode> targets)
    {
        var content = Generate(parameters, targets);
        if (File.Exists(path) && File.ReadAllText(path) == content)
            return false;
        File.WriteAllText(path, content);
        return true;
    }

    /// <summary>The module version id as two numbers: formatting a Guid (or hex) is compiled at run time, on every start.</summary>
    private static string VersionOf(System.Reflection.Assembly assembly)
    {
        var bytes = assembly.ManifestModule.ModuleVersionId.ToByteArray();
        return $"{BitConverter.ToUInt64(bytes, 0)}.{BitConverter.ToUInt64(bytes, 8)}";
    }

    private static string Stamp(string identity, string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? $"{identity}\n{file.Length} {file.LastWriteTimeUtc.Ticks}\n" : $"{identity}\nmissing\n";
    }

    public static string Generate(IReadOnlyList<ParameterMember> parameters, IReadOnlyList<TargetNode> targets)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
            json.WriteString("title", "Build Schema");
            json.WriteStartObject("definitions");
            json.WriteStartObject("ExecutableTarget");
            json.WriteString("type", "string");
            WriteEnum(json, targets.Select(t => t.Name));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("properties");
            json.WriteStartObject("$schema");
            json.WriteString("type", "string");
            json.WriteEndObject();
            foreach (var parameter in parameters)
            {
                json.WriteStartObject(parameter.Name);
                if (parameter.Description is not null)
                    json.WriteString("description", parameter.Description);
                WriteType(json, parameter.Type);
                if (parameter.IsSecret)
                    json.WriteBoolean("x-secret", true);
                json.WriteEndObject();
            }

            foreach (var (name, description) in new[] { ("Target", "Targets to run"), ("Skip", "Targets to skip") })
            {
                json.WriteStartObject(name);
                json.WriteString("description", description);
                json.WriteString("type", "array");
                json.WriteStartObject("items");
                json.WriteString("$ref", "#/definitions/ExecutableTarget");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    private static void WriteType(Utf8JsonWriter json, Type type)
    {
        if (ValueConverter.ElementType(type) is { } element)
        {
            json.WriteString("type", "array");
            json.WriteStartObject("items");
            WriteType(json, element);
            json.WriteEndObject();
            return;
        }

        var scalar = Nullable.GetUnderlyingType(type) ?? type;
        var name = ValueConverter.Describe(scalar) switch
        {
            "integer" => "integer",
            "number" => "number",
            "bool" => "boolean",
            _ => "string",
        };
        json.WriteString("type", name);
        if (scalar.IsEnum)
            WriteEnum(json, Enum.GetNames(scalar));
        if (scalar == typeof(TimeSpan))
            json.WriteString("pattern", @"^(\d+h)?(\d+m)?(\d+s)?$|^\d+(\.\d+)?:\d\d(:\d\d)?$");
    }

    private static void WriteEnum(Utf8JsonWriter json, IEnumerable<string> values)
    {
        json.WriteStartArray("enum");
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
