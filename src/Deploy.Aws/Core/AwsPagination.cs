using System.Runtime.CompilerServices;

namespace Deploy.Aws;

/// <summary>Turns nextToken-style paging into one stream of items.</summary>
public static class AwsPagination
{
    /// <summary>
    /// Calls <paramref name="fetchPage"/> with null, then with each page's next token until there is none,
    /// yielding the items of every page. A token that repeats ends the loop instead of spinning forever.
    /// </summary>
    public static async IAsyncEnumerable<TItem> PaginateAsync<TPage, TItem>(
        Func<string?, CancellationToken, Task<TPage>> fetchPage,
        Func<TPage, IEnumerable<TItem>?> items,
        Func<TPage, string?> nextToken,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fetchPage);
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(nextToken);
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await fetchPage(token, cancellationToken).ConfigureAwait(false);
            foreach (var item in items(page) ?? [])
            {
                yield return item;
            }

            token = nextToken(page);
        }
        while (!string.IsNullOrEmpty(token) && seen.Add(token));
    }
}
