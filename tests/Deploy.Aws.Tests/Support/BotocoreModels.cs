using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;

namespace Deploy.Aws.Tests.Support;

/// <summary>
/// AWS's own API models as shipped with the botocore installed on this machine
/// (<c>botocore/data/&lt;service&gt;/&lt;latest version&gt;/service-2.json[.gz]</c>), and checks of
/// requests and responses against them. Service names are botocore's directory names
/// (<c>ecs</c>, <c>ecr</c>, <c>logs</c>, <c>cloudformation</c>, <c>iam</c>, <c>sts</c>, ...).
/// Every check returns a list of readable violations; an empty list means the message conforms.
/// </summary>
public static class BotocoreModels
{
    private static readonly Lazy<string> DataDirectoryValue = new(LocateDataDirectory);
    private static readonly ConcurrentDictionary<string, Lazy<ServiceModel>> Models = new(StringComparer.Ordinal);

    /// <summary>The botocore <c>data</c> directory (located once per test run through python3).</summary>
    public static string DataDirectory => DataDirectoryValue.Value;

    /// <summary>Loads (once) the latest model version of a service.</summary>
    public static ServiceModel Load(string service)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        return Models.GetOrAdd(service, s => new Lazy<ServiceModel>(() => LoadModel(s))).Value;
    }

    /// <summary>
    /// Validates a JSON 1.1 / 1.0 request: the operation named by the target exists, the target prefix is
    /// the model's, the content type names the model's JSON version, and the body matches the input shape
    /// (required members, unknown members, JSON types, enums, lengths, ranges, patterns), recursively.
    /// </summary>
    public static IReadOnlyList<string> ValidateJsonRequest(string service, string? target, string? contentType, string body)
        => JsonValidation.ValidateRequest(Load(service), target, contentType, body);

    /// <summary>
    /// Validates a query-protocol request body (form fields): Action names an operation, Version is the
    /// model's apiVersion, every field maps to a member (with <c>.member.N</c> lists and
    /// <c>.entry.N.key/value</c> maps), required members are present and scalar values parse.
    /// </summary>
    public static IReadOnlyList<string> ValidateQueryRequest(string service, string? contentType, string body)
        => QueryValidation.ValidateRequest(Load(service), contentType, body);

    /// <summary>Validates a captured request with the validator for the service's protocol.</summary>
    public static IReadOnlyList<string> ValidateRequest(string service, CapturedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var model = Load(service);
        var violations = new List<string>();
        if (request.Method != HttpMethod.Post)
        {
            violations.Add($"{model.ServiceId} {request.Operation ?? "?"}: expected POST, got {request.Method}");
        }

        if (request.Uri is not null && request.Uri.AbsolutePath != "/")
        {
            violations.Add($"{model.ServiceId} {request.Operation ?? "?"}: expected path /, got {request.Uri.AbsolutePath}");
        }

        violations.AddRange(model.Protocol switch
        {
            "json" => ValidateJsonRequest(service, request.Header("X-Amz-Target"), request.ContentType, request.BodyText),
            "query" => ValidateQueryRequest(service, request.ContentType, request.BodyText),
            _ => throw new NotSupportedException($"protocol {model.Protocol} of {service} is not supported by the validator"),
        });
        return violations;
    }

    /// <summary>Validates a JSON-protocol response body against an operation's output shape.</summary>
    public static IReadOnlyList<string> ValidateJsonResponse(string service, string operation, string body)
        => JsonValidation.ValidateResponse(Load(service), operation, body);

    /// <summary>
    /// A response for the operation's output shape with every member filled, recursively (lists and maps get
    /// two entries; recursive shapes stop at the first repetition). JSON for json services, for query services
    /// <c>&lt;OpResponse&gt;&lt;OpResult&gt;...&lt;/OpResult&gt;&lt;ResponseMetadata/&gt;&lt;/OpResponse&gt;</c>.
    /// Values: strings <c>"&lt;MemberName&gt;-&lt;n&gt;"</c> (n counts occurrences of that member name) or the
    /// enum's values in turn; numbers count up across the document (within the shape's range); booleans true;
    /// timestamps distinct minutes after 2023-11-14T22:13:20Z; blobs base64 of the member string.
    /// </summary>
    public static string SampleResponse(string service, string operation)
        => SampleResponses.Generate(Load(service), operation);

    private static string LocateDataDirectory()
    {
        var start = new ProcessStartInfo("python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("import botocore,os;print(os.path.dirname(botocore.__file__))");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("python3 could not be started");
        var stdout = process.StandardOutput.ReadToEnd();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 could not import botocore: {stderr}");
        }

        var data = Path.Combine(stdout.Trim(), "data");
        return Directory.Exists(data) ? data : throw new DirectoryNotFoundException($"botocore data directory {data} not found");
    }

    private static ServiceModel LoadModel(string service)
    {
        var serviceDir = Path.Combine(DataDirectory, service);
        if (!Directory.Exists(serviceDir))
        {
            throw new ArgumentException($"botocore has no model for service '{service}' in {DataDirectory}", nameof(service));
        }

        foreach (var versionDir in Directory.GetDirectories(serviceDir).OrderByDescending(Path.GetFileName, StringComparer.Ordinal))
        {
            var plain = Path.Combine(versionDir, "service-2.json");
            var gzip = plain + ".gz";
            if (File.Exists(plain))
            {
                using var stream = File.OpenRead(plain);
                return new ServiceModel(service, JsonDocument.Parse(stream));
            }

            if (File.Exists(gzip))
            {
                using var stream = new GZipStream(File.OpenRead(gzip), CompressionMode.Decompress);
                return new ServiceModel(service, JsonDocument.Parse(stream));
            }
        }

        throw new FileNotFoundException($"no service-2.json under {serviceDir}");
    }
}

/// <summary>One botocore service model (service-2.json).</summary>
public sealed class ServiceModel
{
    private readonly JsonDocument document;

    internal ServiceModel(string name, JsonDocument document)
    {
        Name = name;
        this.document = document;
        var metadata = document.RootElement.GetProperty("metadata");
        Protocol = metadata.GetProperty("protocol").GetString()!;
        ApiVersion = metadata.GetProperty("apiVersion").GetString()!;
        ServiceId = metadata.TryGetProperty("serviceId", out var id) ? id.GetString()! : name;
        TargetPrefix = metadata.TryGetProperty("targetPrefix", out var prefix) ? prefix.GetString() : null;
        JsonVersion = metadata.TryGetProperty("jsonVersion", out var json) ? json.GetString() : null;
        XmlNamespace = metadata.TryGetProperty("xmlNamespace", out var ns) ? ns.GetString() : null;
        EndpointPrefix = metadata.GetProperty("endpointPrefix").GetString()!;
        SigningName = metadata.TryGetProperty("signingName", out var signing) ? signing.GetString()! : EndpointPrefix;
        GlobalEndpoint = metadata.TryGetProperty("globalEndpoint", out var global) ? global.GetString() : null;
    }

    /// <summary>botocore directory name, e.g. <c>ecs</c>.</summary>
    public string Name { get; }

    /// <summary><c>json</c>, <c>query</c>, <c>rest-json</c>, <c>rest-xml</c>, <c>ec2</c>.</summary>
    public string Protocol { get; }

    public string ApiVersion { get; }

    /// <summary>Human service id used in violation messages, e.g. <c>ECS</c>, <c>CloudFormation</c>.</summary>
    public string ServiceId { get; }

    public string? TargetPrefix { get; }

    public string? JsonVersion { get; }

    public string? XmlNamespace { get; }

    public string EndpointPrefix { get; }

    public string SigningName { get; }

    public string? GlobalEndpoint { get; }

    /// <summary>Names of all operations in the model.</summary>
    public IEnumerable<string> Operations =>
        document.RootElement.GetProperty("operations").EnumerateObject().Select(p => p.Name);

    public bool HasOperation(string operation) =>
        document.RootElement.GetProperty("operations").TryGetProperty(operation, out _);

    /// <summary>The operation's JSON definition (http, input, output, errors).</summary>
    public JsonElement Operation(string operation) =>
        document.RootElement.GetProperty("operations").TryGetProperty(operation, out var op)
            ? op
            : throw new ArgumentException($"{ServiceId} has no operation {operation}", nameof(operation));

    /// <summary>The named shape's JSON definition.</summary>
    public JsonElement Shape(string name) => document.RootElement.GetProperty("shapes").GetProperty(name);

    /// <summary>The input shape name of an operation, or null when it takes none.</summary>
    public string? InputShape(string operation) =>
        Operation(operation).TryGetProperty("input", out var input) ? input.GetProperty("shape").GetString() : null;

    /// <summary>The output shape name of an operation, or null when it returns none.</summary>
    public string? OutputShape(string operation) =>
        Operation(operation).TryGetProperty("output", out var output) ? output.GetProperty("shape").GetString() : null;

    /// <summary>The query protocol's result wrapper element of an operation's output, if any.</summary>
    public string? ResultWrapper(string operation) =>
        Operation(operation).TryGetProperty("output", out var output) && output.TryGetProperty("resultWrapper", out var wrapper)
            ? wrapper.GetString()
            : null;

    /// <summary>Error shape names an operation declares.</summary>
    public IReadOnlyList<string> Errors(string operation) =>
        Operation(operation).TryGetProperty("errors", out var errors)
            ? errors.EnumerateArray().Select(e => e.GetProperty("shape").GetString()!).ToList()
            : [];

    /// <summary>The wire code of an error shape (its <c>error.code</c>, else its name).</summary>
    public string ErrorCode(string errorShape)
    {
        var shape = Shape(errorShape);
        return shape.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code)
            ? code.GetString()!
            : errorShape;
    }
}
