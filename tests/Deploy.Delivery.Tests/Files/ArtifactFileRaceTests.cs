using System.Diagnostics;
using Deploy.Delivery.Images;
using Deploy.Delivery.Infra;
using Deploy.Delivery.Registry;

namespace Deploy.Delivery.Tests.Files;

/// <summary>
/// Two runs in one checkout write artifacts/infra/template.json, outputs.json, image.json and imagedefinitions.json while
/// others read them. Here two writers race on each file through the writer the targets use, with a reader alongside:
/// every read must be one run's whole file, never an empty or half-written one.
/// </summary>
public sealed class ArtifactFileRaceTests : IDisposable
{
    private static readonly TimeSpan RaceFor = TimeSpan.FromSeconds(1);
    private readonly string directory = Directory.CreateTempSubdirectory("artifact-race-").FullName;

    public static TheoryData<string> Files => ["template.json", "outputs.json", "image.json", "imagedefinitions.json"];

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Theory]
    [MemberData(nameof(Files))]
    public async Task A_reader_never_sees_a_half_written_file_while_two_runs_write_it(string file)
    {
        var path = Path.Combine(directory, file);
        var (write, contents) = Writer(file, path);
        await write(0);
        var stop = Stopwatch.StartNew();
        var reads = 0;
        var torn = new List<string>();

        var writers = Enumerable.Range(0, 2).Select(run => Task.Run(async () =>
        {
            while (stop.Elapsed < RaceFor)
            {
                await write(run);
            }
        }));
        var reader = Task.Run(() =>
        {
            while (stop.Elapsed < RaceFor)
            {
                var text = File.ReadAllText(path);
                reads++;
                if (!contents.Contains(text) && torn.Count < 3)
                {
                    torn.Add($"{text.Length} characters: {text[..Math.Min(80, text.Length)]}");
                }
            }
        });
        await Task.WhenAll([.. writers, reader]);

        Assert.True(torn.Count == 0, $"{torn.Count}+ of {reads} reads saw a partial {file}: {string.Join(" | ", torn)}");
        Assert.True(reads > 10, $"only {reads} reads");
        Assert.Empty(Directory.GetFiles(directory, "*.tmp"));
    }

    /// <summary>The target's writer of <paramref name="file"/>, and the two whole contents the two runs write.</summary>
    private static (Func<int, Task> Write, HashSet<string> Contents) Writer(string file, string path)
    {
        switch (file)
        {
            case "template.json":
                // Two runs render different templates from different settings.
                string[] templates = [PlatformTemplate.Render(new PlatformSettings { LogRetentionDays = 7 }), PlatformTemplate.Render(new PlatformSettings { LogRetentionDays = 14, ServiceName = "other-service" })];
                return (run => Task.FromResult(PlatformTemplate.WriteText(templates[run], path)), [.. templates]);
            case "outputs.json":
                Dictionary<string, string>[] outputs = [Outputs('a'), Outputs('b')];
                return (run => Task.Run(() => PlatformStackOutputs.WriteOutputs(outputs[run], path)), [.. outputs.Select(o => Written(() => PlatformStackOutputs.WriteOutputs(o, path + ".expected"), path))]);
            case "image.json":
                BuiltImage[] images = [Image('a'), Image('b')];
                return (run => images[run].WriteAsync(path), [.. images.Select(i => Written(() => i.WriteAsync(path + ".expected").Wait(), path))]);
            default:
                ImageDefinition[][] definitions = [Definitions('a'), Definitions('b')];
                return (run => ImageDefinitions.WriteAsync(path, definitions[run]), [.. definitions.Select(ImageDefinitions.Render)]);
        }
    }

    private static string Written(Action write, string path)
    {
        write();
        var text = File.ReadAllText(path + ".expected");
        File.Delete(path + ".expected");
        return text;
    }

    // Large enough that a writer takes a while, so a non-atomic write is caught between truncating and finishing.
    private static Dictionary<string, string> Outputs(char fill) =>
        Enumerable.Range(0, 64).ToDictionary(i => $"Output{i}", _ => new string(fill, 8 * 1024), StringComparer.Ordinal);

    private static BuiltImage Image(char fill) =>
        new("sample-service:" + fill, "sha256:" + new string(fill, 64), [.. Enumerable.Range(0, 4000).Select(i => $"sample-service:{fill}{i}")], new string(fill, 40), "debian");

    private static ImageDefinition[] Definitions(char fill) =>
        [.. Enumerable.Range(0, 600).Select(i => new ImageDefinition($"container-{i}", $"123456789012.dkr.ecr.us-east-1.amazonaws.com/{fill}:{i}"))];
}
