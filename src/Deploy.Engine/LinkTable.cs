namespace Deploy.Engine;

/// <summary>The kinds of edges between targets, after folding reverse links.</summary>
internal enum LinkKind
{
    /// <summary>The target needs the other one first (pulls it in).</summary>
    DependsOn,

    /// <summary>The target runs after the other one when both are planned.</summary>
    After,

    /// <summary>The target pulls the other one in to run afterwards.</summary>
    Triggers,
}

/// <summary>Collects resolved links per target, folding DependentFor/Before/TriggeredBy into the other side.</summary>
internal sealed class LinkTable(IReadOnlyDictionary<System.Reflection.MethodInfo, string> namesByMethod)
{
    // One table per kind, keyed by name: a tuple key made the runtime compile its comparer at every start.
    private readonly Dictionary<string, List<string>>[] links = [[], [], []];

    public void Add(string owner, IEnumerable<Target> targets, LinkKind kind, bool reverse)
    {
        foreach (var target in targets)
        {
            if (!namesByMethod.TryGetValue(target.Method, out var other))
                throw new BuildConfigurationException($"Target {owner} links to a delegate that is not a Target property of the build.");
            var (from, to) = reverse ? (other, owner) : (owner, other);
            if (!links[(int)kind].TryGetValue(from, out var list))
                links[(int)kind][from] = list = [];
            if (!list.Contains(to))
                list.Add(to);
        }
    }

    public IReadOnlyList<string> Get(string name, LinkKind kind) =>
        links[(int)kind].TryGetValue(name, out var list) ? list : [];
}
