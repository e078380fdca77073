using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Ecs;

/// <summary>
/// ECS's list paging: <c>maxResults</c> (1 to 100; each operation has its own default) and an opaque <c>nextToken</c>
/// when more remain, so a client that does not follow tokens sees what it would see on AWS: the first page only.
/// </summary>
internal static class EcsPages
{
    public const int Maximum = 100;

    /// <summary>The page of <paramref name="items"/> the request asks for, under <paramref name="member"/>, with nextToken when more remain.</summary>
    public static JsonObject Page(IEnumerable<string> items, JsonObject request, string member, int defaultSize = Maximum)
    {
        var size = request.OptionalInt("maxResults") ?? defaultSize;
        if (size is < 1 or > Maximum)
        {
            throw new AwsServiceException("InvalidParameterException", $"maxResults must be between 1 and {Maximum}.");
        }

        var all = items.ToList();
        var start = request.OptionalString("nextToken") is { } token ? Offset(token, all.Count) : 0;
        var response = new JsonObject { [member] = new JsonArray([.. all.Skip(start).Take(size).Select(i => (JsonNode)JsonValue.Create(i))]) };
        if (start + size < all.Count)
        {
            response["nextToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("offset:" + (start + size).ToString(CultureInfo.InvariantCulture)));
        }

        return response;
    }

    private static int Offset(string token, int count)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal)
                && int.TryParse(text.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var offset) && offset <= count)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new AwsServiceException("InvalidParameterException", "Invalid token " + token);
    }
}
