using System.Globalization;
using System.Xml.Linq;

namespace Deploy.Delivery.Quality;

/// <summary>Covered and coverable lines of the merged report.</summary>
public sealed record CoverageSummary(int CoveredLines, int ValidLines)
{
    public double Percent => ValidLines == 0 ? 0 : 100.0 * CoveredLines / ValidLines;

    /// <summary>The line GitLab's <c>coverage:</c> regex (<c>/Line coverage: \d+\.\d+%/</c>) reads from the job log.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Line coverage: {Percent:0.00}% ({CoveredLines} of {ValidLines} lines)");
}

/// <summary>
/// Merges coverlet's Cobertura reports (one per test project and pass) into the one report GitLab shows in merge
/// requests: a line is covered when any test run hit it; paths are relative to the repository root, which is the only
/// source (what GitLab matches against the diff); generated code under <c>obj/</c> and files outside the repository
/// are left out. Line coverage only: GitLab's diff view does not use branch data.
/// </summary>
public static class CoberturaReports
{
    public static CoverageSummary Merge(IEnumerable<string> reports, string rootDirectory, string output)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var root = Path.GetFullPath(rootDirectory);
        var files = new SortedDictionary<string, SortedDictionary<int, long>>(StringComparer.Ordinal);
        foreach (var report in reports)
        {
            var document = XDocument.Load(report);
            var sources = document.Descendants("source").Select(s => s.Value.Trim()).Where(s => s.Length > 0).ToList();
            foreach (var type in document.Descendants("class"))
            {
                if (Relative(root, sources, (string?)type.Attribute("filename")) is not { } path)
                {
                    continue;
                }

                if (!files.TryGetValue(path, out var lines))
                {
                    files[path] = lines = [];
                }

                // The class's own list (its methods repeat the same lines); a line appears in every lambda class it belongs to,
                // and hits add up.
                foreach (var line in type.Elements("lines").Elements("line"))
                {
                    var number = int.Parse((string)line.Attribute("number")!, CultureInfo.InvariantCulture);
                    lines[number] = lines.GetValueOrDefault(number) + long.Parse((string)line.Attribute("hits")!, CultureInfo.InvariantCulture);
                }
            }
        }

        var summary = new CoverageSummary(files.Values.Sum(l => l.Values.Count(h => h > 0)), files.Values.Sum(l => l.Count));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        Write(files, root, summary, output);
        return summary;
    }

    /// <summary>The path of a report's file relative to the root, or null for generated code and files elsewhere.</summary>
    private static string? Relative(string root, List<string> sources, string? filename)
    {
        if (string.IsNullOrEmpty(filename))
        {
            return null;
        }

        var candidates = Path.IsPathRooted(filename) ? [filename] : sources.Select(s => Path.Combine(s, filename)).ToList();
        var full = candidates.Select(Path.GetFullPath).FirstOrDefault(File.Exists);
        if (full is null)
        {
            return null;
        }

        var relative = Path.GetRelativePath(root, full).Replace('\\', '/');
        return relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative) || relative.Contains("/obj/", StringComparison.Ordinal)
            ? null
            : relative;
    }

    private static void Write(SortedDictionary<string, SortedDictionary<int, long>> files, string root, CoverageSummary summary, string output)
    {
        static string Rate(int covered, int valid) => (valid == 0 ? 1.0 : (double)covered / valid).ToString("0.####", CultureInfo.InvariantCulture);
        // One package per project folder (src/Deploy.Engine, build).
        var packages = files.GroupBy(f => string.Join('/', f.Key.Split('/').SkipLast(1).Take(2)), StringComparer.Ordinal).Select(package =>
        {
            var covered = package.Sum(f => f.Value.Values.Count(h => h > 0));
            var valid = package.Sum(f => f.Value.Count);
            return new XElement("package",
                new XAttribute("name", package.Key), new XAttribute("line-rate", Rate(covered, valid)), new XAttribute("branch-rate", "0"), new XAttribute("complexity", "0"),
                new XElement("classes", package.Select(file => new XElement("class",
                    new XAttribute("name", file.Key),
                    new XAttribute("filename", file.Key),
                    new XAttribute("line-rate", Rate(file.Value.Values.Count(h => h > 0), file.Value.Count)),
                    new XAttribute("branch-rate", "0"),
                    new XAttribute("complexity", "0"),
                    new XElement("methods"),
                    new XElement("lines", file.Value.Select(line => new XElement("line",
                        new XAttribute("number", line.Key), new XAttribute("hits", line.Value), new XAttribute("branch", "False"))))))));
        });
        var coverage = new XElement("coverage",
            new XAttribute("line-rate", Rate(summary.CoveredLines, summary.ValidLines)),
            new XAttribute("branch-rate", "0"),
            new XAttribute("lines-covered", summary.CoveredLines),
            new XAttribute("lines-valid", summary.ValidLines),
            new XAttribute("branches-covered", 0),
            new XAttribute("branches-valid", 0),
            new XAttribute("complexity", 0),
            new XAttribute("version", "1.9"),
            new XAttribute("timestamp", DateTimeOffset.UtcNow.ToUnixTimeSeconds()),
            new XElement("sources", new XElement("source", root)),
            new XElement("packages", packages));
        using var writer = System.Xml.XmlWriter.Create(output, new System.Xml.XmlWriterSettings { Encoding = new System.Text.UTF8Encoding(false), Indent = true });
        new XDocument(new XDeclaration("1.0", "utf-8", null), coverage).Save(writer);
    }
}
