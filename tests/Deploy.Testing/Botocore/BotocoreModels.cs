using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json;

namespace Deploy.Testing.Botocore;

/// <summary>
/// AWS's own API models as shipped with the botocore installed on this machine
/// (<c>botocore/data/&lt;service&gt;/&lt;latest version&gt;/service-2.json[.gz]</c>) — written by AWS, not by us, so an
/// independent oracle — and checks of whole requests and responses against them. Service names are botocore's
/// directory names (<c>ecs</c>, <c>ecr</c>, <c>logs</c>, <c>cloudformation</c>, <c>iam</c>, <c>sts</c>, ...). Every
/// check returns a list of readable violations (<c>ECS RegisterTaskDefinition: family: required member is missing</c>);
/// an empty list means the message conforms. The shape-level checks are <see cref="ShapeValidator"/>'s.
/// </summary>
public static class BotocoreModels
{
    /// <summary>Names the services this repository talks to by on the wire (JSON target prefixes, SigV4 signing names) that differ from their botocore directory.</summary>
    private static readonly Dictionary<string, string> WireNames = new(StringComparer.Ordinal)
    {
        ["AmazonEC2ContainerRegistry_V20150921"] = "ecr",
        ["AmazonEC2ContainerServiceV20141113"] = "ecs",
        ["Logs_20140328"] = "logs",
        ["CodeCommit_20150413"] = "codecommit",
        ["CodeBuild_20161006"] = "codebuild",
        ["CodePipeline_20150709"] = "codepipeline",
        ["AWSEvents"] = "events",
        ["elasticloadbalancing"] = "elbv2",
    };

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
    /// The botocore service a message names on the wire: a JSON X-Amz-Target prefix
    /// (<c>AmazonEC2ContainerServiceV20141113</c> → <c>ecs</c>) or a SigV4 signing name (<c>elasticloadbalancing</c> →
    /// <c>elbv2</c>, <c>sts</c> → <c>sts</c>); null when botocore has no such service.
    /// </summary>
    public static string? ServiceForWireName(string wireName)
    {
        ArgumentNullException.ThrowIfNull(wireName);
        if (WireNames.TryGetValue(wireName, out var service))
        {
            return service;
        }

        return wireName.Length > 0 && !wireName.Contains('/', StringComparison.Ordinal) && !wireName.Contains('.', StringComparison.Ordinal)
            && Directory.Exists(Path.Combine(DataDirectory, wireName))
            ? wireName
            : null;
    }

    /// <summary>
    /// Validates a JSON 1.1 / 1.0 request: the operation named by the target exists, the target prefix is the model's,
    /// the content type names the model's JSON version, and the body matches the input shape
    /// (<see cref="ShapeValidator.ValidateJson(ServiceModel, string, JsonElement, MessageDirection)"/>).
    /// </summary>
    public static IReadOnlyList<string> ValidateJsonRequest(string service, string? target, string? contentType, string body)
        => RequestValidation.ValidateJson(Load(service), target, contentType, body);

    /// <summary>
    /// Validates a query-protocol request body (form fields): Action names an operation, Version is the model's
    /// apiVersion, no field repeats, the content type is a form's, and the fields match the input shape
    /// (<see cref="ShapeValidator.ValidateQueryFields"/>).
    /// </summary>
    public static IReadOnlyList<string> ValidateQueryRequest(string service, string? contentType, string body)
        => RequestValidation.ValidateQuery(Load(service), contentType, body);

    /// <summary>Validates a request with the validator for the service's protocol, after checking it is a <c>POST /</c>.</summary>
    public static IReadOnlyList<string> ValidateRequest(
        string service, HttpMethod method, string? path, string? target, string? contentType, string body)
        => RequestValidation.Validate(Load(service), method, path, target, contentType, body);

    /// <summary>
    /// Validates a JSON body against an operation's input shape alone (for a request recorded without its headers);
    /// violations read <c>ECS RegisterTaskDefinition: path: problem</c>.
    /// </summary>
    public static IReadOnlyList<string> ValidateInput(string service, string operation, string body)
        => RequestValidation.ValidateInput(Load(service), operation, body);

    /// <summary>
    /// Validates a response of any protocol. A success (<paramref name="statusCode"/> below 300) must carry the
    /// operation's output shape in the protocol's envelope (JSON object; query <c>&lt;OpResponse&gt;&lt;OpResult&gt;</c>
    /// with <c>ResponseMetadata</c>; EC2 <c>&lt;OpResponse&gt;</c> with the members directly; rest-xml the output or its
    /// payload). An error must carry the protocol's error fields (JSON <c>__type</c> and <c>message</c>, and the
    /// members of a modelled error shape; query <c>ErrorResponse/Error/Type,Code,Message</c>; EC2
    /// <c>Response/Errors/Error/Code,Message</c> with <c>RequestID</c>; S3 <c>Error/Code,Message</c>).
    /// </summary>
    public static IReadOnlyList<string> ValidateResponse(string service, string operation, string body, int statusCode = 200)
        => ResponseValidation.Validate(Load(service), operation, body, statusCode);

    /// <summary>An error answered before any service was recognised: only the protocol's error envelope applies.</summary>
    public static IReadOnlyList<string> ValidateErrorEnvelope(string protocol, string body, int statusCode)
        => ResponseValidation.ValidateEnvelopeOnly(protocol, body, statusCode);

    /// <summary>
    /// A response for the operation's output shape with every member filled, recursively (lists and maps get two
    /// entries; recursive shapes stop at the first repetition). JSON for json services, for query services
    /// <c>&lt;OpResponse&gt;&lt;OpResult&gt;...&lt;/OpResult&gt;&lt;ResponseMetadata/&gt;&lt;/OpResponse&gt;</c>.
    /// Values: strings <c>"&lt;MemberName&gt;-&lt;n&gt;"</c> (n counts occurrences of that member name) or the enum's
    /// values in turn; numbers count up across the document (within the shape's range); booleans true; timestamps
    /// distinct minutes after 2023-11-14T22:13:20Z; blobs base64 of the member string.
    /// </summary>
    public static string SampleResponse(string service, string operation)
        => SampleResponses.Generate(Load(service), operation);

    private static string LocateDataDirectory()
    {
        // Once per run, from whichever test gets here first; the runner does not capture a synchronization context.
        var result = ProcessRunner.RunAsync("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"])
            .GetAwaiter().GetResult();
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 could not import botocore: {result.Stderr}");
        }

        var data = Path.Combine(result.Stdout.Trim(), "data");
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
