using System.Collections.Concurrent;
using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Tests.Support;

/// <summary>
/// A botocore service model (<c>botocore/data/&lt;service&gt;/&lt;version&gt;/service-2.json[.gz]</c>) of the botocore
/// installed on this machine — written by AWS, not by us, so it is an independent oracle for response shapes.
/// </summary>
public sealed class BotocoreModel
{
    /// <summary>Which model answers for a service as the local cloud names it (JSON target prefix or query signing name).</summary>
    private static readonly Dictionary<string, string> ModelDirectories = new(StringComparer.Ordinal)
    {
        ["AmazonEC2ContainerRegistry_V20150921"] = "ecr/2015-09-21",
        ["Logs_20140328"] = "logs/2014-03-28",
        ["sts"] = "sts/2011-06-15",
        ["AmazonEC2ContainerServiceV20141113"] = "ecs/2014-11-13",
        ["elasticloadbalancing"] = "elbv2/2015-12-01",
        ["ec2"] = "ec2/2016-11-15",
        ["cloudformation"] = "cloudformation/2010-05-15",
        ["iam"] = "iam/2010-05-08",
        ["CodeCommit_20150413"] = "codecommit/2015-04-13",
        ["CodeBuild_20161006"] = "codebuild/2016-10-06",
        ["CodePipeline_20150709"] = "codepipeline/2015-07-09",
        ["AWSEvents"] = "events/2015-10-07",
        ["s3"] = "s3/2006-03-01",
    };

    private static readonly ConcurrentDictionary<string, BotocoreModel> Cache = new(StringComparer.Ordinal);
    private static readonly Lazy<string> DataDirectory = new(FindDataDirectory);

    private BotocoreModel(JsonObject root) => Root = root;

    public JsonObject Root { get; }

    public JsonObject Shapes => Root["shapes"]!.AsObject();

    public static BotocoreModel? For(string service) =>
        ModelDirectories.TryGetValue(service, out var directory) ? Cache.GetOrAdd(directory, Load) : null;

    public JsonObject? Operation(string name) => Root["operations"]?[name] as JsonObject;

    public JsonObject Shape(string name) => Shapes[name]?.AsObject() ?? throw new KeyNotFoundException($"shape {name}");

    private static BotocoreModel Load(string directory)
    {
        var path = Path.Combine(DataDirectory.Value, directory, "service-2.json");
        using Stream stream = File.Exists(path)
            ? File.OpenRead(path)
            : new GZipStream(File.OpenRead(path + ".gz"), CompressionMode.Decompress);
        return new BotocoreModel(JsonNode.Parse(stream)!.AsObject());
    }

    private static string FindDataDirectory()
    {
        var result = ProcessRunner.RunAsync("python3", ["-c", "import botocore,os;print(os.path.dirname(botocore.__file__))"])
            .GetAwaiter().GetResult();
        Assert.True(result.ExitCode == 0, $"botocore not importable: {result}");
        return Path.Combine(result.Stdout.Trim(), "data");
    }
}
