using System.Text;

namespace Deploy.Engine;

/// <summary>Writes <c>--plan</c>: the order with skip decisions as text, and a Mermaid graph file.</summary>
internal static class PlanWriter
{
    public static void Write(IBuildLog log, ExecutionPlan plan, string graphPath)
    {
        log.Write("Execution plan:");
        for (var i = 0; i < plan.Targets.Count; i++)
        {
            var target = plan.Targets[i];
            var state = target.IsSkipped ? $"skipped: {target.SkipReason}" : target.Node.IsCollective ? "collective" : "runs";
            log.Write($"  {i + 1}. {target.Name} ({state})");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(graphPath)!);
        File.WriteAllText(graphPath, Mermaid(plan));
        log.Write($"Graph: {graphPath}");
    }

    public static string Mermaid(ExecutionPlan plan)
    {
        var text = new StringBuilder("graph TD\n");
        foreach (var target in plan.Targets)
            text.Append("  ").Append(target.Name).Append('[').Append(target.Name).Append("]\n");
        foreach (var edge in plan.Edges)
        {
            var arrow = edge.Kind switch
            {
                LinkKind.DependsOn => "-->|depends on|",
                LinkKind.After => "-.->|after|",
                _ => "==>|triggers|",
            };
            text.Append("  ").Append(edge.From).Append(' ').Append(arrow).Append(' ').Append(edge.To).Append('\n');
        }

        var skipped = plan.Targets.Where(t => t.IsSkipped).Select(t => t.Name).ToList();
        if (skipped.Count > 0)
        {
            text.Append("  classDef skipped stroke-dasharray: 5 5,color:#888\n");
            text.Append("  class ").Append(string.Join(",", skipped)).Append(" skipped\n");
        }

        return text.ToString();
    }
}
