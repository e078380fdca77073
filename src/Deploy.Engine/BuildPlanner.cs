namespace Deploy.Engine;

/// <summary>
/// Computes the whole plan, skip decisions included, before anything runs. Pure and deterministic:
/// ties are broken by declaration order.
/// <para>Plan: the invoked targets, closed over DependsOn (DependentFor folded in) and Triggers (TriggeredBy folded in).
/// Order: a topological sort over DependsOn, Triggers, and After/Before when both targets are planned.
/// Cycles fail with <c>Circular dependency: a -&gt; b -&gt; a</c>.</para>
/// <para>Skip rules:</para>
/// <list type="bullet">
/// <item><c>--skip X</c> skips only X; its dependencies still run.</item>
/// <item>A bare <c>--skip</c> skips every target that was not invoked.</item>
/// <item>A false <c>OnlyWhenStatic</c> skips the target with reason <c>OnlyWhenStatic(condition) was false</c>.</item>
/// <item><c>WhenSkipped(Skip)</c> on a skipped target also skips the dependencies needed only by it.</item>
/// <item>A skipped target triggers nothing: targets only it triggers leave the plan (at run time, a dynamically
/// skipped target's trigger-only targets are skipped with reason <c>triggered by skipped X</c>).</item>
/// <item>Every skip carries its reason, shown by <c>--plan</c> and in the summary.</item>
/// </list>
/// </summary>
internal static class BuildPlanner
{
    public static ExecutionPlan Plan(IReadOnlyList<TargetNode> targets, PlanRequest request)
    {
        TargetCatalog.CheckDuplicates(targets.Select(t => t.Name));
        var byName = targets.ToDictionary(t => t.Name, StringComparer.Ordinal);
        var invoked = request.Invoked.Select(n => Resolve(n, targets)).Distinct().ToList();
        var skipped = request.Skip?.Select(n => Resolve(n, targets)).ToHashSet();
        var skipAllNotInvoked = request.Skip is { Count: 0 };

        var reasons = new Dictionary<TargetNode, string?>();
        string? SkipReason(TargetNode node)
        {
            if (!reasons.TryGetValue(node, out var reason))
            {
                reason = skipAllNotInvoked && !invoked.Contains(node) ? "--skip (not invoked)"
                    : skipped?.Contains(node) == true ? "--skip"
                    : node.StaticConditions.FirstOrDefault(c => !c.Evaluate()) is { } failed ? $"OnlyWhenStatic({failed.Text}) was false"
                    : null;
                reasons[node] = reason;
            }

            return reason;
        }

        var neededBy = targets.ToDictionary(t => t, _ => new List<string>());
        var triggeredBy = targets.ToDictionary(t => t, _ => new List<string>());
        var live = new HashSet<TargetNode>();
        var queue = new Queue<TargetNode>(invoked);
        while (queue.TryDequeue(out var node))
        {
            if (!live.Add(node))
                continue;
            var reason = SkipReason(node);
            if (reason is null || node.WhenSkipped == DependencyBehavior.Execute)
                Follow(node, node.DependsOn, neededBy, byName, queue);
            if (reason is null)
                Follow(node, node.Triggers, triggeredBy, byName, queue);
        }

        var onlyForSkipped = DependenciesOnlyForSkipped(live, SkipReason, byName);
        var planned = live.Concat(onlyForSkipped.Keys).ToHashSet();
        var edges = Edges(planned, byName);
        var order = TopologicalOrder(planned, edges);
        var plan = order.Select(node => new PlannedTarget(
            node,
            invoked.Contains(node),
            onlyForSkipped.TryGetValue(node, out var owner) ? $"needed only by skipped {owner}" : SkipReason(node),
            [.. neededBy[node].Where(n => planned.Contains(byName[n]))],
            [.. triggeredBy[node].Where(n => planned.Contains(byName[n]))]));
        return new ExecutionPlan([.. plan], edges);
    }

    /// <summary>Finds a target by name, ignoring case, dashes and underscores.</summary>
    public static TargetNode Resolve(string name, IReadOnlyList<TargetNode> targets) =>
        targets.FirstOrDefault(t => NameMatcher.Matches(t.Name, name))
        ?? throw new BuildConfigurationException($"Unknown target '{name}'." + NameMatcher.DidYouMean(name, targets.Select(t => t.Name)));

    private static void Follow(
        TargetNode node, IReadOnlyList<string> links, Dictionary<TargetNode, List<string>> reverse,
        Dictionary<string, TargetNode> byName, Queue<TargetNode> queue)
    {
        foreach (var link in links)
        {
            reverse[byName[link]].Add(node.Name);
            queue.Enqueue(byName[link]);
        }
    }

    /// <summary>Dependencies reached only through skipped targets with <c>WhenSkipped(Skip)</c>, with the first such target.</summary>
    private static Dictionary<TargetNode, string> DependenciesOnlyForSkipped(
        HashSet<TargetNode> live, Func<TargetNode, string?> skipReason, Dictionary<string, TargetNode> byName)
    {
        var result = new Dictionary<TargetNode, string>();
        void Visit(TargetNode node, string owner)
        {
            foreach (var dependency in node.DependsOn.Select(d => byName[d]))
            {
                if (!live.Contains(dependency) && result.TryAdd(dependency, owner))
                    Visit(dependency, owner);
            }
        }

        foreach (var node in live.OrderBy(n => n.Order))
        {
            if (skipReason(node) is not null && node.WhenSkipped == DependencyBehavior.Skip)
                Visit(node, node.Name);
        }

        return result;
    }

    private static List<PlanEdge> Edges(HashSet<TargetNode> planned, Dictionary<string, TargetNode> byName)
    {
        var edges = new List<PlanEdge>();
        foreach (var node in planned.OrderBy(n => n.Order))
        {
            bool IsPlanned(string name) => planned.Contains(byName[name]);
            edges.AddRange(node.DependsOn.Where(IsPlanned).Select(d => new PlanEdge(d, node.Name, LinkKind.DependsOn)));
            edges.AddRange(node.After.Where(IsPlanned).Select(a => new PlanEdge(a, node.Name, LinkKind.After)));
            edges.AddRange(node.Triggers.Where(IsPlanned).Select(t => new PlanEdge(node.Name, t, LinkKind.Triggers)));
        }

        return edges;
    }

    /// <summary>Kahn's algorithm, always taking the earliest-declared ready target.</summary>
    private static List<TargetNode> TopologicalOrder(HashSet<TargetNode> planned, List<PlanEdge> edges)
    {
        var byName = planned.ToDictionary(n => n.Name, StringComparer.Ordinal);
        var predecessors = planned.ToDictionary(n => n, _ => new HashSet<TargetNode>());
        foreach (var edge in edges)
            predecessors[byName[edge.To]].Add(byName[edge.From]);

        var order = new List<TargetNode>();
        var ready = new SortedSet<TargetNode>(planned.Where(n => predecessors[n].Count == 0), Comparer<TargetNode>.Create((a, b) => a.Order.CompareTo(b.Order)));
        var remaining = planned.ToDictionary(n => n, n => predecessors[n].Count);
        while (ready.Count > 0)
        {
            var next = ready.Min!;
            ready.Remove(next);
            order.Add(next);
            foreach (var successor in edges.Where(e => e.From == next.Name).Select(e => byName[e.To]).Distinct())
            {
                if (--remaining[successor] == 0)
                    ready.Add(successor);
            }
        }

        if (order.Count < planned.Count)
            throw new BuildConfigurationException("Circular dependency: " + string.Join(" -> ", FindCycle(planned.Except(order), predecessors)));
        return order;
    }

    /// <summary>Walks "must come after" edges from the earliest stuck target until a target repeats.</summary>
    private static IEnumerable<string> FindCycle(IEnumerable<TargetNode> stuck, Dictionary<TargetNode, HashSet<TargetNode>> predecessors)
    {
        var stuckSet = stuck.ToHashSet();
        var path = new List<TargetNode> { stuckSet.MinBy(n => n.Order)! };
        while (true)
        {
            var next = predecessors[path[^1]].Where(stuckSet.Contains).MinBy(n => n.Order)!;
            var seen = path.IndexOf(next);
            if (seen >= 0)
                return path.Skip(seen).Append(next).Select(n => n.Name);
            path.Add(next);
        }
    }
}
