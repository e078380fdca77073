using System.Globalization;
using System.Net;
using System.Security;
using System.Text;
using Amazon.Runtime;
using Deploy.Aws;

namespace Deploy.Delivery.Tests.Infra;

/// <summary>One query-protocol call the fake received.</summary>
internal sealed record FakeCall(string Action, IReadOnlyDictionary<string, string> Form)
{
    public string? this[string key] => Form.TryGetValue(key, out var value) ? value : null;
}

/// <summary>An AWS error the fake answers with (HTTP 400, query error XML).</summary>
internal sealed class FakeAwsError(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}

/// <summary>A scripted stack event (the fake answers newest first, as CloudFormation does).</summary>
internal sealed record FakeEvent(string LogicalId, string Type, string Status, string? Reason = null);

/// <summary>
/// CloudFormation faked at the HTTP boundary: our real client signs and sends query requests, the fake answers each
/// Action from a test-provided handler with the XML CloudFormation would send. Handlers return the inner XML of
/// <c>&lt;ActionResult&gt;</c> or throw <see cref="FakeAwsError"/>.
/// </summary>
internal sealed class FakeCloudFormation : HttpMessageHandler
{
    private readonly List<FakeCall> calls = [];
    private int eventNumber;

    public Dictionary<string, Func<FakeCall, string>> Handlers { get; } = new(StringComparer.Ordinal);

    /// <summary>The stack's events so far, oldest first.</summary>
    public List<(string Id, FakeEvent Event, DateTimeOffset At)> Events { get; } = [];

    public IReadOnlyList<FakeCall> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    public IReadOnlyList<string> Actions => [.. Calls.Select(c => c.Action)];

    public AwsSession Session() => new(new AwsSessionOptions
    {
        Region = "us-east-1",
        Credentials = new BasicAWSCredentials("AKIDEXAMPLE", "fake-secret"),
        HttpHandler = this,
        MaxAttempts = 1,
    });

    public void AddEvent(FakeEvent e)
    {
        var number = Interlocked.Increment(ref eventNumber);
        Events.Add(($"event-{number}", e, new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero).AddSeconds(number)));
    }

    /// <summary>Answers DescribeStackEvents from <see cref="Events"/>, newest first, in pages of <paramref name="pageSize"/>.</summary>
    public void ServeEvents(string stackName, int pageSize = 100) => Handlers["DescribeStackEvents"] = call =>
    {
        var newestFirst = Events.AsEnumerable().Reverse().ToList();
        var start = call["NextToken"] is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
        var page = newestFirst.Skip(start).Take(pageSize).ToList();
        var next = start + pageSize < newestFirst.Count ? $"<NextToken>{start + pageSize}</NextToken>" : "";
        return "<StackEvents>" + string.Concat(page.Select(e => Member(
            ("StackId", StackId(stackName)), ("EventId", e.Id), ("StackName", stackName), ("LogicalResourceId", e.Event.LogicalId),
            ("ResourceType", e.Event.Type), ("Timestamp", e.At.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)),
            ("ResourceStatus", e.Event.Status), ("ResourceStatusReason", e.Event.Reason)))) + "</StackEvents>" + next;
    };

    public static string StackId(string name) => $"arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/0000-{name}";

    /// <summary>A DescribeStacks result with one stack.</summary>
    public static string Stack(string name, string status, string? reason = null, IReadOnlyDictionary<string, string>? outputs = null)
    {
        var outputXml = outputs is null
            ? ""
            : "<Outputs>" + string.Concat(outputs.Select(o => Member(("OutputKey", o.Key), ("OutputValue", o.Value)))) + "</Outputs>";
        return "<Stacks>" + Member(("StackId", StackId(name)), ("StackName", name), ("StackStatus", status), ("StackStatusReason", reason),
            ("CreationTime", "2026-01-01T12:00:00.000Z")).Replace("</member>", outputXml + "</member>", StringComparison.Ordinal) + "</Stacks>";
    }

    public static FakeAwsError NoSuchStack(string name) => new("ValidationError", $"Stack with id {name} does not exist");

    /// <summary>A DescribeChangeSet result.</summary>
    public static string ChangeSet(string name, string status, string? reason, params (string Action, string LogicalId, string Type, string? Replacement)[] changes) =>
        Element("ChangeSetName", name) + Element("Status", status) + Element("StatusReason", reason)
        + Element("ExecutionStatus", status == "CREATE_COMPLETE" ? "AVAILABLE" : "UNAVAILABLE")
        + "<Changes>" + string.Concat(changes.Select(c =>
            $"<member><Type>Resource</Type><ResourceChange>{Element("Action", c.Action)}{Element("LogicalResourceId", c.LogicalId)}"
            + $"{Element("ResourceType", c.Type)}{Element("Replacement", c.Replacement)}</ResourceChange></member>")) + "</Changes>";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        var form = body.Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Decode(p[0]), p => p.Length > 1 ? Decode(p[1]) : "", StringComparer.Ordinal);
        var call = new FakeCall(form["Action"], form);
        lock (calls)
        {
            calls.Add(call);
        }

        try
        {
            var handler = Handlers.TryGetValue(call.Action, out var h) ? h : throw new FakeAwsError("InvalidAction", $"The fake has no handler for {call.Action}.");
            var xml = $"<{call.Action}Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><{call.Action}Result>{handler(call)}</{call.Action}Result>"
                + $"<ResponseMetadata><RequestId>req-{calls.Count}</RequestId></ResponseMetadata></{call.Action}Response>";
            return Respond(HttpStatusCode.OK, xml);
        }
        catch (FakeAwsError e)
        {
            return Respond(HttpStatusCode.BadRequest,
                $"<ErrorResponse><Error><Type>Sender</Type><Code>{e.Code}</Code><Message>{SecurityElement.Escape(e.Message)}</Message></Error><RequestId>req-err</RequestId></ErrorResponse>");
        }
    }

    private static string Decode(string value) => Uri.UnescapeDataString(value.Replace('+', ' '));

    private static HttpResponseMessage Respond(HttpStatusCode status, string xml) =>
        new(status) { Content = new StringContent(xml, Encoding.UTF8, "text/xml") };

    private static string Member(params (string Name, string? Value)[] elements) =>
        "<member>" + string.Concat(elements.Select(e => Element(e.Name, e.Value))) + "</member>";

    private static string Element(string name, string? value) => value is null ? "" : $"<{name}>{SecurityElement.Escape(value)}</{name}>";
}
