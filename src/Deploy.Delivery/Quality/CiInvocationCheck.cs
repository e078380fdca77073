using YamlDotNet.Core;

namespace Deploy.Delivery.Quality;

/// <summary>
/// Every <c>./build.sh</c> command in the CI files must name targets and parameters the build's graph has: each argument
/// list goes to the engine's own parser and planner (<paramref name="checkInvocation"/>, e.g.
/// <c>InvocationCheck.Check&lt;Build&gt;</c>), nothing runs. Renaming a target or a parameter then fails Lint instead of
/// a pipeline. Target and option names must be literal; option values may come from CI variables.
/// </summary>
/// <param name="files">CI files relative to the root; missing ones are skipped.</param>
/// <param name="checkInvocation">Null when the arguments are valid, else the error the build would print.</param>
public sealed class CiInvocationCheck(IReadOnlyList<string> files, Func<IReadOnlyList<string>, string?> checkInvocation) : ILintCheck
{
    public string Name => "build.sh invocations";

    public async Task<IReadOnlyList<LintFinding>> RunAsync(LintContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var findings = new List<LintFinding>();
        foreach (var file in files)
        {
            var path = Path.Combine(context.RootDirectory, file);
            if (File.Exists(path))
            {
                findings.AddRange(Check(file, await File.ReadAllTextAsync(path, cancellationToken)));
            }
        }

        return findings;
    }

    /// <summary>The findings for one file's text.</summary>
    public IReadOnlyList<LintFinding> Check(string file, string yaml)
    {
        IReadOnlyList<CiScriptLine> lines;
        try
        {
            lines = CiScripts.Read(yaml);
        }
        catch (YamlException)
        {
            return []; // yamllint reports the syntax error with its position
        }

        var findings = new List<LintFinding>();
        foreach (var line in lines)
        {
            foreach (var arguments in BuildInvocations.Find(line.Command))
            {
                if (checkInvocation(arguments) is { } error)
                {
                    findings.Add(new LintFinding(file, line.Line, $"./build.sh {string.Join(' ', arguments)}: {error}"));
                }
            }
        }

        return findings;
    }
}
