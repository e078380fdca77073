namespace Deploy.LocalCloud.Protocols;

/// <summary>The flattened form parameters of a query request (lists arrive as <c>Name.member.N</c>).</summary>
internal sealed class QueryParameters(IReadOnlyDictionary<string, string> values)
{
    /// <summary>False for a request without a signature that the service lets through (<see cref="IQueryApiService.AllowsUnsigned"/>).</summary>
    public bool IsSigned { get; init; } = true;

    public string? Optional(string name) => values.TryGetValue(name, out var value) ? value : null;

    public string Required(string name) =>
        Optional(name) ?? throw new AwsServiceException("MissingParameter", $"The request must contain the parameter {name}");

    public IReadOnlyList<string> List(string name)
    {
        var items = new List<string>();
        for (var i = 1; values.TryGetValue($"{name}.member.{i}", out var item); i++)
        {
            items.Add(item);
        }

        return items;
    }
}
