using System.Xml.Linq;
using Deploy.Delivery.Quality;

namespace Deploy.Delivery.Tests.Quality;

/// <summary>Merging per-project Cobertura reports (hand-written here in the shape coverlet writes) into GitLab's one report.</summary>
public sealed class CoberturaReportsTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("cobertura-").FullName;

    public void Dispose() => Directory.Delete(root, recursive: true);

    [Fact]
    public void A_line_hit_by_any_test_project_counts_once_as_covered_with_paths_relative_to_the_repository()
    {
        Source("src/Deploy.Engine/BuildRunner.cs");
        Source("src/Deploy.Engine/obj/Debug/net10.0/RegexGenerator.g.cs");
        Source("build/Build.cs");
        // The engine's own tests hit line 10 only; the build's tests hit lines 10 and 11, and lambda classes repeat line 12.
        var engineTests = Report(
            "src/Deploy.Engine/",
            Class("BuildRunner.cs", (10, 3), (11, 0), (12, 0)),
            Class("obj/Debug/net10.0/RegexGenerator.g.cs", (1, 5)));
        var buildTests = Report(
            "/",
            Class(Path.Combine(root, "src/Deploy.Engine/BuildRunner.cs"), (10, 1), (11, 2), (12, 0)),
            Class(Path.Combine(root, "src/Deploy.Engine/BuildRunner.cs"), (12, 0)),
            Class(Path.Combine(root, "build/Build.cs"), (5, 0)),
            Class("/usr/share/dotnet/elsewhere.cs", (1, 1)));
        var output = Path.Combine(root, "artifacts", "coverage", "coverage.cobertura.xml");

        var summary = CoberturaReports.Merge([engineTests, buildTests], root, output);

        Assert.Equal(new CoverageSummary(2, 4), summary);
        Assert.Equal("Line coverage: 50.00% (2 of 4 lines)", summary.ToString());
        var merged = XDocument.Load(output);
        Assert.Equal(root, Assert.Single(merged.Descendants("source")).Value);
        Assert.Equal(["build", "src/Deploy.Engine"], merged.Descendants("package").Select(p => (string)p.Attribute("name")!));
        Assert.Equal(["build/Build.cs", "src/Deploy.Engine/BuildRunner.cs"], merged.Descendants("class").Select(c => (string)c.Attribute("filename")!));
        var lines = merged.Descendants("class").Single(c => (string)c.Attribute("filename")! == "src/Deploy.Engine/BuildRunner.cs").Descendants("line")
            .Select(l => ((int)l.Attribute("number")!, (int)l.Attribute("hits")!));
        Assert.Equal([(10, 4), (11, 2), (12, 0)], lines);
        Assert.Equal("0.5", (string)merged.Root!.Attribute("line-rate")!);
        Assert.NotEqual(0xEF, File.ReadAllBytes(output)[0]); // no byte order mark
    }

    [Fact]
    public void No_report_means_zero_lines_not_a_crash()
    {
        var summary = CoberturaReports.Merge([], root, Path.Combine(root, "merged.xml"));

        Assert.Equal("Line coverage: 0.00% (0 of 0 lines)", summary.ToString());
        Assert.True(File.Exists(Path.Combine(root, "merged.xml")));
    }

    private void Source(string relative)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "// source\n");
    }

    private static XElement Class(string filename, params (int Number, int Hits)[] lines) =>
        new("class", new XAttribute("name", "Some.Type"), new XAttribute("filename", filename), new XAttribute("line-rate", "0"),
            new XElement("methods", new XElement("method", new XAttribute("name", "Run"),
                new XElement("lines", lines.Select(l => new XElement("line", new XAttribute("number", l.Number), new XAttribute("hits", l.Hits), new XAttribute("branch", "False")))))),
            new XElement("lines", lines.Select(l => new XElement("line", new XAttribute("number", l.Number), new XAttribute("hits", l.Hits), new XAttribute("branch", "False")))));

    private string Report(string source, params XElement[] classes)
    {
        var path = Path.Combine(root, "projects", Guid.NewGuid().ToString("N"), "coverage.cobertura.xml");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var sourcePath = source == "/" ? "/" : Path.Combine(root, source);
        new XDocument(new XElement("coverage", new XAttribute("line-rate", "0"),
            new XElement("sources", new XElement("source", sourcePath)),
            new XElement("packages", new XElement("package", new XAttribute("name", "Deploy.Engine"), new XElement("classes", classes))))).Save(path);
        return path;
    }
}
