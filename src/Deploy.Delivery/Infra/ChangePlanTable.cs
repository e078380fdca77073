using System.Text;
using Deploy.Aws.CloudFormation;

namespace Deploy.Delivery.Infra;

/// <summary>A change set's resource changes as a fixed-width text table: Action, LogicalId, Type, Replacement.</summary>
public static class ChangePlanTable
{
    private static readonly string[] Headers = ["Action", "LogicalId", "Type", "Replacement"];

    /// <summary>
    /// One header line, one line per resource change (in CloudFormation's order), columns padded to their widest cell.
    /// Replacement is CloudFormation's <c>True</c>/<c>False</c>/<c>Conditional</c> for modifications and <c>-</c>
    /// where it does not apply (additions, removals).
    /// </summary>
    public static IReadOnlyList<string> Format(IEnumerable<Change> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var rows = changes
            .Select(c => c.ResourceChange)
            .OfType<ResourceChange>()
            .Select(r => new[]
            {
                r.Action ?? "?",
                r.LogicalResourceId ?? "?",
                r.ResourceType ?? "?",
                string.IsNullOrEmpty(r.Replacement) ? "-" : r.Replacement,
            })
            .ToList();
        var widths = Enumerable.Range(0, Headers.Length)
            .Select(i => rows.Select(r => r[i].Length).Append(Headers[i].Length).Max())
            .ToArray();
        return [Line(Headers, widths), .. rows.Select(r => Line(r, widths))];
    }

    /// <summary>How many resources a change set adds, modifies and removes, e.g. <c>2 to add, 1 to modify, 0 to remove</c>.</summary>
    public static string Summary(IEnumerable<Change> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var actions = changes.Select(c => c.ResourceChange?.Action).ToList();
        int Count(string action) => actions.Count(a => a == action);
        return $"{Count("Add")} to add, {Count("Modify")} to modify, {Count("Remove")} to remove";
    }

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == cells.Length - 1 ? cells[i] : cells[i].PadRight(widths[i] + 2));
        }

        return line.ToString().TrimEnd();
    }
}
