using System.Text.RegularExpressions;

namespace Deploy.Delivery.Images;

/// <summary>The tags an image of a source revision gets: the commit, and the branch made a valid Docker tag.</summary>
public static partial class ImageTags
{
    private const int MaxTagLength = 128;

    /// <summary><c>repository:commit</c> first (the primary tag), then <c>repository:branch</c> when there is a branch.</summary>
    public static IReadOnlyList<string> For(string repository, SourceRevision revision)
    {
        if (!Repository().IsMatch(repository))
            throw new ArgumentException($"'{repository}' is not a valid image repository name (lower-case letters, digits, '.', '_', '-' and '/' separated components).", nameof(repository));
        var tags = new List<string> { $"{repository}:{ToTag(revision.Commit)}" };
        // A detached HEAD (CI checkouts) has no branch; "HEAD" would be a misleading tag.
        if (revision.Branch is { } branch && branch != "HEAD" && ToTag(branch) is { Length: > 0 } branchTag && !tags.Contains($"{repository}:{branchTag}"))
            tags.Add($"{repository}:{branchTag}");
        return tags;
    }

    /// <summary>
    /// Makes <paramref name="name"/> a Docker tag (<c>[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}</c>): other characters become
    /// <c>-</c>, leading <c>.</c> and <c>-</c> are dropped, the result is cut to 128 characters; empty when nothing is left.
    /// </summary>
    public static string ToTag(string name)
    {
        var tag = Invalid().Replace(name, "-").TrimStart('.', '-');
        return tag.Length > MaxTagLength ? tag[..MaxTagLength] : tag;
    }

    [GeneratedRegex("[^A-Za-z0-9_.-]")]
    private static partial Regex Invalid();

    // Docker's reference grammar for the path part, with an optional registry host[:port] first.
    [GeneratedRegex(@"^([a-zA-Z0-9.-]+(:[0-9]+)?/)?[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*(/[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*)*$")]
    private static partial Regex Repository();
}
