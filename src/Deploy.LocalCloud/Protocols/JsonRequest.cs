using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deploy.LocalCloud.Protocols;

/// <summary>Typed reads of a JSON request body, failing the way AWS does (ValidationException / SerializationException).</summary>
internal static class JsonRequest
{
    public static string RequiredString(this JsonObject request, string member) =>
        request.OptionalString(member) ?? throw AwsServiceException.Validation(member);

    public static string? OptionalString(this JsonObject request, string member) =>
        Read(request, member, JsonValueKind.String, node => node.GetValue<string>());

    public static long? OptionalLong(this JsonObject request, string member) =>
        Read(request, member, JsonValueKind.Number, node => (long?)node.GetValue<long>());

    public static int? OptionalInt(this JsonObject request, string member) =>
        Read(request, member, JsonValueKind.Number, node => (int?)node.GetValue<int>());

    public static bool? OptionalBool(this JsonObject request, string member)
    {
        var node = request[member];
        return node?.GetValueKind() switch
        {
            null or JsonValueKind.Null => null,
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(member),
        };
    }

    public static JsonObject? OptionalObject(this JsonObject request, string member) =>
        Read(request, member, JsonValueKind.Object, node => node.AsObject());

    public static JsonArray? OptionalArray(this JsonObject request, string member) =>
        Read(request, member, JsonValueKind.Array, node => node.AsArray());

    public static IReadOnlyList<string> OptionalStringList(this JsonObject request, string member) =>
        request.OptionalArray(member)?.Select(item => item?.GetValueKind() == JsonValueKind.String
            ? item.GetValue<string>()
            : throw WrongType(member)).ToList() ?? [];

    private static TResult? Read<TResult>(JsonObject request, string member, JsonValueKind kind, Func<JsonNode, TResult> read)
    {
        var node = request[member];
        if (node is null || node.GetValueKind() == JsonValueKind.Null)
        {
            return default;
        }

        if (node.GetValueKind() != kind)
        {
            throw WrongType(member);
        }

        try
        {
            return read(node);
        }
        catch (FormatException)
        {
            throw WrongType(member);
        }
        catch (InvalidOperationException)
        {
            throw WrongType(member);
        }
    }

    private static AwsServiceException WrongType(string member) =>
        new("SerializationException", $"Unexpected value type for member '{member}'");
}
