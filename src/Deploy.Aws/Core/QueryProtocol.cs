using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Deploy.Aws;

/// <summary>
/// Form parameters of one query-protocol call. Lists become <c>Name.member.N</c>, maps <c>Name.entry.N.key/value</c>,
/// structures <c>Name.Member</c>; null values are left out.
/// </summary>
internal sealed class QueryRequest
{
    private readonly List<KeyValuePair<string, string>> parameters = [];

    public IReadOnlyList<KeyValuePair<string, string>> Parameters => parameters;

    /// <summary>An empty form for a client method's <paramref name="request"/>, which must not be null.</summary>
    public static QueryRequest For(object request, [CallerArgumentExpression(nameof(request))] string? paramName = null)
    {
        ArgumentNullException.ThrowIfNull(request, paramName);
        return new QueryRequest();
    }

    public QueryRequest Add(string name, string? value)
    {
        if (value is not null)
        {
            parameters.Add(new(name, value));
        }

        return this;
    }

    public QueryRequest Add(string name, int? value) =>
        Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryRequest Add(string name, long? value) =>
        Add(name, value?.ToString(CultureInfo.InvariantCulture));

    public QueryRequest Add(string name, bool? value) =>
        Add(name, value is null ? null : value.Value ? "true" : "false");

    public QueryRequest Add(string name, DateTimeOffset? value) =>
        Add(name, value?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

    /// <summary><c>name.member.1=a&amp;name.member.2=b</c>; an empty list sends <c>name=</c> so the service sees "none".</summary>
    public QueryRequest AddList(string name, IEnumerable<string>? values, bool sendEmpty = false) =>
        AddList(name, values, (request, prefix, value) => request.Add(prefix, value), sendEmpty);

    /// <summary>A list of structures: <paramref name="write"/> receives the prefix <c>name.member.N</c>.</summary>
    public QueryRequest AddList<T>(string name, IEnumerable<T>? values, Action<QueryRequest, string, T> write, bool sendEmpty = false)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (values is null)
        {
            return this;
        }

        var index = 0;
        foreach (var value in values)
        {
            index++;
            write(this, string.Create(CultureInfo.InvariantCulture, $"{name}.member.{index}"), value);
        }

        if (index == 0 && sendEmpty)
        {
            parameters.Add(new(name, string.Empty));
        }

        return this;
    }

    /// <summary><c>name.entry.N.key</c> / <c>name.entry.N.value</c> (the location names are the model's, default key/value).</summary>
    public QueryRequest AddMap(string name, IEnumerable<KeyValuePair<string, string>>? entries, string keyName = "key", string valueName = "value")
    {
        if (entries is null)
        {
            return this;
        }

        var index = 0;
        foreach (var (key, value) in entries)
        {
            index++;
            var prefix = string.Create(CultureInfo.InvariantCulture, $"{name}.entry.{index}");
            Add(prefix + "." + keyName, key);
            Add(prefix + "." + valueName, value);
        }

        return this;
    }

    /// <summary>The form body including Action and Version.</summary>
    public byte[] ToBody(string action, string version)
    {
        var builder = new StringBuilder();
        builder.Append("Action=").Append(Uri.EscapeDataString(action));
        builder.Append("&Version=").Append(Uri.EscapeDataString(version));
        foreach (var (key, value) in parameters)
        {
            builder.Append('&').Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }
}

/// <summary>The AWS query protocol: form-urlencoded request, XML <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;</c> response.</summary>
internal static class QueryProtocol
{
    public const string ContentType = "application/x-www-form-urlencoded; charset=utf-8";

    /// <summary>Sends the call; returns the <c>&lt;ActionResult&gt;</c> element (an empty one when the response has none).
    /// <paramref name="unsigned"/> is for operations the model marks <c>noAuth</c> (e.g. AssumeRoleWithWebIdentity).</summary>
    public static async Task<XElement> InvokeAsync(
        AwsSession session,
        AwsService service,
        string action,
        QueryRequest request,
        string? resource,
        CancellationToken cancellationToken,
        bool unsigned = false)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(request);
        var body = request.ToBody(action, service.ApiVersion ?? throw new InvalidOperationException($"{service} has no query API version."));
        var response = await session.SendAsync(new AwsHttpRequest(service, action, resource, body, ContentType, null, unsigned), cancellationToken)
            .ConfigureAwait(false);
        if (response.Body.Length == 0)
        {
            return new XElement(action + "Result");
        }

        var document = Load(response.Body)
            ?? throw new InvalidDataException($"{service.DisplayName} {action} returned a body that is not XML.");
        return document.Root?.Child(action + "Result") ?? new XElement(action + "Result");
    }

    public static ParsedError ParseError(byte[] body)
    {
        var root = Load(body)?.Root;
        if (root is null)
        {
            return default;
        }

        // <ErrorResponse><Error><Code/><Message/></Error><RequestId/></ErrorResponse>, or the EC2 style
        // <Response><Errors><Error>..</Error></Errors><RequestID/></Response> some emulators use.
        var error = root.Child("Error") ?? root.Child("Errors")?.Child("Error") ?? (root.Name.LocalName == "Error" ? root : null);
        var requestId = root.Text("RequestId") ?? root.Text("RequestID") ?? error?.Text("RequestId");
        return new ParsedError(error?.Text("Code"), error?.Text("Message"), requestId);
    }

    private static XDocument? Load(byte[] body)
    {
        try
        {
            using var stream = new MemoryStream(body);
            using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null });
            return XDocument.Load(reader);
        }
        catch (XmlException)
        {
            return null;
        }
    }
}

/// <summary>Namespace-blind readers for query-protocol XML (the namespace changes per service and version).</summary>
internal static class AwsXml
{
    public static XElement? Child(this XElement element, string localName) =>
        element.Elements().FirstOrDefault(e => e.Name.LocalName == localName);

    public static IEnumerable<XElement> Children(this XElement element, string localName) =>
        element.Elements().Where(e => e.Name.LocalName == localName);

    /// <summary>The text of a child element, or null when absent.</summary>
    public static string? Text(this XElement element, string localName) => element.Child(localName)?.Value;

    public static int? Int(this XElement element, string localName) =>
        element.Text(localName) is { } text ? int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public static long? Long(this XElement element, string localName) =>
        element.Text(localName) is { } text ? long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : null;

    public static bool? Bool(this XElement element, string localName) =>
        element.Text(localName) is { } text ? string.Equals(text.Trim(), "true", StringComparison.OrdinalIgnoreCase) : null;

    public static DateTimeOffset? Timestamp(this XElement element, string localName) =>
        element.Text(localName) is { } text
            ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
            : null;

    /// <summary>The items of a list-valued child read by <paramref name="read"/>; null when the child is absent.</summary>
    public static List<T>? List<T>(this XElement element, string localName, Func<XElement, T> read) =>
        element.Child(localName) is null ? null : element.Members(localName).Select(read).ToList();

    /// <summary>The <c>&lt;member&gt;</c> items of a list-valued child.</summary>
    public static IEnumerable<XElement> Members(this XElement element, string localName) =>
        element.Child(localName)?.Children("member") ?? [];

    /// <summary>The <c>&lt;entry&gt;&lt;key/&gt;&lt;value/&gt;&lt;/entry&gt;</c> items of a map-valued child.</summary>
    public static IReadOnlyDictionary<string, string> Map(this XElement element, string localName, string keyName = "key", string valueName = "value") =>
        (element.Child(localName)?.Children("entry") ?? [])
            .Where(e => e.Text(keyName) is not null)
            .GroupBy(e => e.Text(keyName)!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Last().Text(valueName) ?? string.Empty, StringComparer.Ordinal);
}
