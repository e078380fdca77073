namespace Deploy.Delivery.Mirror;

/// <summary>What happens to one ref at the target.</summary>
public enum RefChange
{
    /// <summary>The ref does not exist at the target yet.</summary>
    Create,

    /// <summary>The target's commit is an ancestor of the source's.</summary>
    FastForward,

    /// <summary>The target's value would be lost (non-fast-forward branch, moved tag): needs <c>--force-mirror</c>.</summary>
    Rewrite,

    /// <summary>The ref no longer exists at the source (pruning).</summary>
    Delete,
}

/// <summary>One ref the mirror changes at the target.</summary>
/// <param name="Ref">The full ref name at the target.</param>
/// <param name="OldSha">The target's value, null when created.</param>
/// <param name="NewSha">The source's value, null when deleted.</param>
/// <param name="Change">The kind of change.</param>
public sealed record RefUpdate(string Ref, string? OldSha, string? NewSha, RefChange Change)
{
    /// <summary>E.g. <c>refs/heads/main 1a2b3c4..5d6e7f8 (fast-forward)</c>.</summary>
    public override string ToString() => Change switch
    {
        RefChange.Create => $"{Ref} (new at {Short(NewSha)})",
        RefChange.FastForward => $"{Ref} {Short(OldSha)}..{Short(NewSha)}",
        RefChange.Rewrite => $"{Ref} {Short(OldSha)}...{Short(NewSha)} (rewritten)",
        _ => $"{Ref} (deleted, was {Short(OldSha)})",
    };

    private static string Short(string? sha) => sha is null ? "" : sha[..Math.Min(7, sha.Length)];
}

/// <summary>One <c>src:dst</c> ref pattern.</summary>
public sealed record MirrorRefspec(string Source, string Destination)
{
    /// <summary>Parses <c>src:dst</c> or <c>src</c> (same name at the target); a leading <c>+</c> is ignored (forcing is <see cref="GitMirrorOptions.Force"/>).</summary>
    /// <exception cref="ArgumentException">The refspec is malformed.</exception>
    public static MirrorRefspec Parse(string refspec)
    {
        ArgumentNullException.ThrowIfNull(refspec);
        var text = refspec.Trim().TrimStart('+');
        var parts = text.Split(':');
        var source = parts[0];
        var destination = parts.Length > 1 ? parts[1] : source;
        if (parts.Length > 2 || !source.StartsWith("refs/", StringComparison.Ordinal) || !destination.StartsWith("refs/", StringComparison.Ordinal)
            || Stars(source) > 1 || Stars(source) != Stars(destination))
        {
            throw new ArgumentException(
                $"Refspec '{refspec}' is not supported: use full ref names with at most one '*' on each side, e.g. refs/heads/*:refs/heads/*.",
                nameof(refspec));
        }

        return new MirrorRefspec(source, destination);
    }

    /// <summary>The destination name for <paramref name="sourceRef"/>, or null when it does not match.</summary>
    public string? Map(string sourceRef)
    {
        ArgumentNullException.ThrowIfNull(sourceRef);
        var captured = Capture(Source, sourceRef);
        return captured is null ? null : Destination.Replace("*", captured, StringComparison.Ordinal);
    }

    /// <summary>Whether a target ref lies in this refspec's destination namespace.</summary>
    public bool CoversDestination(string targetRef) => Capture(Destination, targetRef) is not null;

    private static string? Capture(string pattern, string name)
    {
        var star = pattern.IndexOf('*', StringComparison.Ordinal);
        if (star < 0)
            return pattern == name ? "" : null;
        var prefix = pattern[..star];
        var suffix = pattern[(star + 1)..];
        return name.Length > prefix.Length + suffix.Length && name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(suffix, StringComparison.Ordinal)
            ? name[prefix.Length..^suffix.Length]
            : null;
    }

    private static int Stars(string pattern) => pattern.Count(c => c == '*');
}

/// <summary>Branch-name globs; <c>*</c> matches any characters, <c>/</c> included.</summary>
public sealed class BranchFilter
{
    private readonly string[] globs;

    public BranchFilter(IEnumerable<string> globs)
    {
        ArgumentNullException.ThrowIfNull(globs);
        this.globs = [.. globs.Select(g => g.Trim()).Where(g => g.Length > 0)];
    }

    /// <summary>Whether a target ref may be pushed or pruned: refs outside <c>refs/heads/</c> always may.</summary>
    public bool Allows(string targetRef)
    {
        ArgumentNullException.ThrowIfNull(targetRef);
        const string Heads = "refs/heads/";
        return !targetRef.StartsWith(Heads, StringComparison.Ordinal) || globs.Any(g => Matches(g, targetRef.AsSpan(Heads.Length)));
    }

    // A plain matcher rather than a Regex per glob: building regexes was a visible part of a warm mirror's start.
    private static bool Matches(ReadOnlySpan<char> glob, ReadOnlySpan<char> name)
    {
        var star = glob.IndexOf('*');
        if (star < 0)
            return glob.SequenceEqual(name);
        if (!name.StartsWith(glob[..star]))
            return false;
        var rest = glob[(star + 1)..];
        // Each start position for the rest after the star, shortest first (backtracking over the name).
        for (var from = star; from <= name.Length; from++)
        {
            if (Matches(rest, name[from..]))
                return true;
        }

        return false;
    }
}

/// <summary>Decides, from the source's and the target's refs, what the mirror must change. Pure: the fast-forward
/// question is asked through a delegate (git merge-base --is-ancestor in <see cref="GitMirror"/>).</summary>
public static class MirrorPlan
{
    /// <summary>The source refs mapped to target names (refspec order decides when two map to the same name), filtered.</summary>
    /// <exception cref="ArgumentException">Two source refs map to the same target ref.</exception>
    public static IReadOnlyDictionary<string, string> Desired(
        IReadOnlyDictionary<string, string> sourceRefs, IReadOnlyList<MirrorRefspec> refspecs, BranchFilter filter)
    {
        ArgumentNullException.ThrowIfNull(sourceRefs);
        ArgumentNullException.ThrowIfNull(refspecs);
        ArgumentNullException.ThrowIfNull(filter);
        var desired = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, sha) in sourceRefs.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            foreach (var refspec in refspecs)
            {
                var target = refspec.Map(name);
                if (target is null || !filter.Allows(target))
                    continue;
                if (desired.TryGetValue(target, out var existing) && existing != sha)
                    throw new ArgumentException($"Two source refs map to {target}: check the refspecs.", nameof(refspecs));
                desired[target] = sha;
                break;
            }
        }

        return desired;
    }

    /// <summary>
    /// The updates, sorted by ref: creations, fast-forwards and rewrites for <paramref name="desired"/>, deletions for target
    /// refs inside <paramref name="pruneNamespaces"/> (and the filter) that are not desired.
    /// </summary>
    public static async Task<IReadOnlyList<RefUpdate>> ComputeAsync(
        IReadOnlyDictionary<string, string> desired,
        IReadOnlyDictionary<string, string> targetRefs,
        IReadOnlyList<MirrorRefspec> pruneNamespaces,
        BranchFilter filter,
        Func<string, string, Task<bool>> isAncestor)
    {
        ArgumentNullException.ThrowIfNull(desired);
        ArgumentNullException.ThrowIfNull(targetRefs);
        ArgumentNullException.ThrowIfNull(pruneNamespaces);
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(isAncestor);

        var changes = desired
            .Where(d => !targetRefs.TryGetValue(d.Key, out var old) || !string.Equals(old, d.Value, StringComparison.OrdinalIgnoreCase))
            .Select(async d =>
            {
                if (!targetRefs.TryGetValue(d.Key, out var old))
                    return new RefUpdate(d.Key, null, d.Value, RefChange.Create);
                var fastForward = !d.Key.StartsWith("refs/tags/", StringComparison.Ordinal) && await isAncestor(old, d.Value).ConfigureAwait(false);
                return new RefUpdate(d.Key, old, d.Value, fastForward ? RefChange.FastForward : RefChange.Rewrite);
            });
        var updates = (await Task.WhenAll(changes).ConfigureAwait(false)).ToList();
        updates.AddRange(targetRefs
            .Where(t => !desired.ContainsKey(t.Key) && filter.Allows(t.Key) && pruneNamespaces.Any(n => n.CoversDestination(t.Key)))
            .Select(t => new RefUpdate(t.Key, t.Value, null, RefChange.Delete)));
        return [.. updates.OrderBy(u => u.Ref, StringComparer.Ordinal)];
    }
}
