using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deploy.Aws;
using Deploy.Aws.Ecs;

namespace Deploy.Delivery.Fargate;

/// <summary>
/// The rules of ECS's RegisterTaskDefinition that can be checked without calling it: required members, member names,
/// JSON types, the model's enums and ranges, and Fargate's constraints (awsvpc, task-level CPU/memory combinations, log
/// drivers, host ports). Each violation names its JSON path.
/// </summary>
public static partial class TaskDefinitionRules
{
    /// <summary>Fargate's task CPU units and the memory sizes (MiB) each allows.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<int>> FargateSizes { get; } = new Dictionary<int, IReadOnlyList<int>>
    {
        [256] = [512, 1024, 2048],
        [512] = Range(1024, 4096, 1024),
        [1024] = Range(2048, 8192, 1024),
        [2048] = Range(4096, 16384, 1024),
        [4096] = Range(8192, 30720, 1024),
        [8192] = Range(16384, 61440, 4096),
        [16384] = Range(32768, 122880, 8192),
    };

    private static readonly string[] NetworkModes = ["bridge", "host", "awsvpc", "none"];
    private static readonly string[] Compatibilities = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];
    private static readonly string[] Protocols = ["tcp", "udp"];
    private static readonly string[] AppProtocols = ["http", "http2", "grpc"];
    private static readonly string[] LogDrivers = ["json-file", "syslog", "journald", "gelf", "fluentd", "awslogs", "splunk", "awsfirelens"];
    private static readonly string[] FargateLogDrivers = ["awslogs", "splunk", "awsfirelens"];
    private static readonly string[] CpuArchitectures = ["X86_64", "ARM64"];

    // RegisterTaskDefinitionRequest's members as they go on the wire: a member the record does not carry would be dropped silently.
    private static readonly HashSet<string> RequestMembers =
        [.. AwsJson.Options.GetTypeInfo(typeof(RegisterTaskDefinitionRequest)).Properties.Select(p => p.Name)];

    /// <summary>All violations, in document order; empty when the definition may be registered.</summary>
    public static IReadOnlyList<string> Check(JsonObject definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var v = new List<string>();
        foreach (var (name, _) in definition)
        {
            if (!RequestMembers.Contains(name))
            {
                v.Add($"{name}: not a RegisterTaskDefinition member this deployer sends (it would be dropped; known: {string.Join(", ", RequestMembers.Order(StringComparer.Ordinal))})");
            }
        }

        var family = String(definition, "family", "family", v, required: true);
        if (family is not null && !NamePattern().IsMatch(family))
        {
            v.Add($"family: '{family}' must be 1-255 letters, digits, '-' or '_'");
        }

        String(definition, "taskRoleArn", "taskRoleArn", v);
        var executionRole = String(definition, "executionRoleArn", "executionRoleArn", v);
        var networkMode = Enum(definition, "networkMode", "networkMode", NetworkModes, v);
        var compatibilities = Strings(definition, "requiresCompatibilities", "requiresCompatibilities", v);
        foreach (var c in compatibilities.Where(c => !Compatibilities.Contains(c, StringComparer.Ordinal)))
        {
            v.Add($"requiresCompatibilities: '{c}' is not one of {string.Join(", ", Compatibilities)}");
        }

        var fargate = compatibilities.Contains("FARGATE", StringComparer.Ordinal);
        var cpu = String(definition, "cpu", "cpu", v);
        var memory = String(definition, "memory", "memory", v);
        if (fargate)
        {
            if (networkMode != "awsvpc")
            {
                v.Add($"networkMode: Fargate requires awsvpc, got {networkMode ?? "none given"}");
            }

            CheckFargateSize(cpu, memory, v);
        }

        if (definition["runtimePlatform"] is JsonObject platform)
        {
            Enum(platform, "cpuArchitecture", "runtimePlatform.cpuArchitecture", CpuArchitectures, v);
            String(platform, "operatingSystemFamily", "runtimePlatform.operatingSystemFamily", v);
        }

        var containers = definition["containerDefinitions"] as JsonArray;
        if (containers is null || containers.Count == 0)
        {
            v.Add("containerDefinitions: required, at least one container");
            return v;
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        var anyEssential = false;
        for (var i = 0; i < containers.Count; i++)
        {
            var path = $"containerDefinitions[{i}]";
            if (containers[i] is not JsonObject container)
            {
                v.Add($"{path}: must be an object");
                continue;
            }

            var name = String(container, "name", path + ".name", v, required: true);
            if (name is not null)
            {
                path = $"containerDefinitions[{i}] ({name})";
                if (!NamePattern().IsMatch(name))
                {
                    v.Add($"{path}.name: '{name}' must be 1-255 letters, digits, '-' or '_'");
                }

                if (!names.Add(name))
                {
                    v.Add($"{path}.name: '{name}' is used by more than one container");
                }
            }

            var image = String(container, "image", path + ".image", v, required: true);
            if (image is not null && (image.Length == 0 || image.Any(char.IsWhiteSpace)))
            {
                v.Add($"{path}.image: '{image}' is not an image reference");
            }

            anyEssential |= Bool(container, "essential", path + ".essential", v) ?? true;
            Int(container, "cpu", path + ".cpu", v, 0, 10240 * 1024);
            Int(container, "memory", path + ".memory", v, 6, int.MaxValue);
            Int(container, "memoryReservation", path + ".memoryReservation", v, 6, int.MaxValue);
            CheckPorts(container, path, networkMode, v);
            CheckEnvironment(container, path, v);
            CheckHealthCheck(container, path, v);
            var driver = CheckLogging(container, path, fargate, v);
            if (driver == "awslogs" && fargate && string.IsNullOrEmpty(executionRole))
            {
                v.Add($"{path}.logConfiguration: awslogs on Fargate needs executionRoleArn (the agent writes the logs with it)");
            }
        }

        if (!anyEssential)
        {
            v.Add("containerDefinitions: at least one container must be essential");
        }

        return v;
    }

    /// <summary>Task CPU as units: <c>"256"</c>, <c>"0.25 vCPU"</c>, <c>"1 vCPU"</c>; null when unreadable.</summary>
    public static int? CpuUnits(string? cpu) => Size(cpu, "vcpu");

    /// <summary>Task memory in MiB: <c>"512"</c>, <c>"1 GB"</c>; null when unreadable.</summary>
    public static int? MemoryMiB(string? memory) => Size(memory, "gb");

    private static void CheckFargateSize(string? cpu, string? memory, List<string> v)
    {
        if (cpu is null || memory is null)
        {
            v.Add("cpu/memory: Fargate requires task-level cpu and memory");
            return;
        }

        var units = CpuUnits(cpu);
        var mib = MemoryMiB(memory);
        if (units is null || !FargateSizes.TryGetValue(units.Value, out var sizes))
        {
            v.Add($"cpu: '{cpu}' is not a Fargate CPU size ({string.Join(", ", FargateSizes.Keys)} units)");
        }
        else if (mib is null || !sizes.Contains(mib.Value))
        {
            v.Add($"memory: '{memory}' is not allowed with cpu {units} on Fargate (allowed MiB: {Describe(sizes)})");
        }
    }

    private static void CheckPorts(JsonObject container, string path, string? networkMode, List<string> v)
    {
        if (container["portMappings"] is null)
        {
            return;
        }

        if (container["portMappings"] is not JsonArray ports)
        {
            v.Add($"{path}.portMappings: must be a list");
            return;
        }

        for (var p = 0; p < ports.Count; p++)
        {
            var at = $"{path}.portMappings[{p}]";
            if (ports[p] is not JsonObject port)
            {
                v.Add($"{at}: must be an object");
                continue;
            }

            var containerPort = Int(port, "containerPort", at + ".containerPort", v, 1, 65535);
            var hostPort = Int(port, "hostPort", at + ".hostPort", v, 0, 65535);
            Enum(port, "protocol", at + ".protocol", Protocols, v);
            Enum(port, "appProtocol", at + ".appProtocol", AppProtocols, v);
            if (networkMode == "awsvpc" && hostPort is not null && containerPort is not null && hostPort != containerPort)
            {
                v.Add($"{at}.hostPort: with awsvpc it must be left out or equal containerPort ({containerPort}), got {hostPort}");
            }
        }
    }

    private static void CheckEnvironment(JsonObject container, string path, List<string> v)
    {
        if (container["environment"] is not JsonArray environment)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var e = 0; e < environment.Count; e++)
        {
            if (environment[e] is not JsonObject pair)
            {
                v.Add($"{path}.environment[{e}]: must be an object with name and value");
                continue;
            }

            var name = String(pair, "name", $"{path}.environment[{e}].name", v, required: true);
            String(pair, "value", $"{path}.environment[{e}].value", v);
            if (name is not null && !seen.Add(name))
            {
                v.Add($"{path}.environment: {name} is set more than once");
            }
        }
    }

    private static void CheckHealthCheck(JsonObject container, string path, List<string> v)
    {
        if (container["healthCheck"] is not JsonObject health)
        {
            return;
        }

        var at = path + ".healthCheck";
        var command = Strings(health, "command", at + ".command", v);
        if (command.Count == 0)
        {
            v.Add($"{at}.command: required");
        }
        else if (command[0] is not ("CMD" or "CMD-SHELL"))
        {
            v.Add($"{at}.command: must start with CMD or CMD-SHELL, got '{command[0]}'");
        }

        Int(health, "interval", at + ".interval", v, 5, 300);
        Int(health, "timeout", at + ".timeout", v, 2, 60);
        Int(health, "retries", at + ".retries", v, 1, 10);
        Int(health, "startPeriod", at + ".startPeriod", v, 0, 300);
    }

    private static string? CheckLogging(JsonObject container, string path, bool fargate, List<string> v)
    {
        if (container["logConfiguration"] is not JsonObject logging)
        {
            return null;
        }

        var at = path + ".logConfiguration";
        var driver = Enum(logging, "logDriver", at + ".logDriver", LogDrivers, v);
        if (driver is null && logging["logDriver"] is null)
        {
            v.Add($"{at}.logDriver: required");
        }

        if (fargate && driver is not null && !FargateLogDrivers.Contains(driver, StringComparer.Ordinal))
        {
            v.Add($"{at}.logDriver: Fargate supports {string.Join(", ", FargateLogDrivers)}, not {driver}");
        }

        var options = logging["options"] as JsonObject;
        if (driver == "awslogs")
        {
            string[] needed = fargate ? ["awslogs-group", "awslogs-region", "awslogs-stream-prefix"] : ["awslogs-group", "awslogs-region"];
            foreach (var option in needed.Where(o => options?[o] is not JsonValue value || value.GetValueKind() != JsonValueKind.String || value.GetValue<string>().Length == 0))
            {
                v.Add($"{at}.options.{option}: required for awslogs{(fargate ? " on Fargate" : "")}");
            }
        }

        return driver;
    }

    private static string? String(JsonObject owner, string member, string path, List<string> v, bool required = false)
    {
        var node = owner[member];
        if (node is null)
        {
            if (required)
            {
                v.Add($"{path}: required");
            }

            return null;
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        v.Add($"{path}: must be a string, got {node.GetValueKind().ToString().ToLowerInvariant()}");
        return null;
    }

    private static string? Enum(JsonObject owner, string member, string path, string[] allowed, List<string> v)
    {
        var value = String(owner, member, path, v);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            v.Add($"{path}: '{value}' is not one of {string.Join(", ", allowed)}");
            return null;
        }

        return value;
    }

    private static List<string> Strings(JsonObject owner, string member, string path, List<string> v)
    {
        var node = owner[member];
        if (node is null)
        {
            return [];
        }

        if (node is not JsonArray array || array.Any(e => e is not JsonValue value || value.GetValueKind() != JsonValueKind.String))
        {
            v.Add($"{path}: must be a list of strings");
            return [];
        }

        return [.. array.Select(e => e!.GetValue<string>())];
    }

    private static int? Int(JsonObject owner, string member, string path, List<string> v, int min, int max)
    {
        var node = owner[member];
        if (node is null)
        {
            return null;
        }

        if (node is not JsonValue value || value.GetValueKind() != JsonValueKind.Number || !value.TryGetValue<int>(out var number))
        {
            v.Add($"{path}: must be an integer");
            return null;
        }

        if (number < min || number > max)
        {
            v.Add($"{path}: {number} is outside {min}..{max}");
        }

        return number;
    }

    private static bool? Bool(JsonObject owner, string member, string path, List<string> v)
    {
        var node = owner[member];
        if (node is null)
        {
            return null;
        }

        if (node is JsonValue value && value.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetValue<bool>();
        }

        v.Add($"{path}: must be true or false");
        return null;
    }

    private static int? Size(string? text, string unit)
    {
        if (text is null)
        {
            return null;
        }

        var trimmed = text.Trim();
        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var plain))
        {
            return plain;
        }

        var space = trimmed.LastIndexOf(' ');
        if (space > 0
            && trimmed[(space + 1)..].Equals(unit, StringComparison.OrdinalIgnoreCase)
            && decimal.TryParse(trimmed[..space], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var scaled))
        {
            return (int)(scaled * 1024);
        }

        return null;
    }

    private static int[] Range(int from, int to, int step) => [.. Enumerable.Range(0, ((to - from) / step) + 1).Select(i => from + (i * step))];

    private static string Describe(IReadOnlyList<int> sizes) => sizes.Count <= 4
        ? string.Join(", ", sizes)
        : $"{sizes[0]}..{sizes[^1]} in steps of {sizes[1] - sizes[0]}";

    [GeneratedRegex("^[A-Za-z0-9_-]{1,255}$")]
    private static partial Regex NamePattern();
}
