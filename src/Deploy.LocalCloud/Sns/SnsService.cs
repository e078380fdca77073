using System.Globalization;
using System.Xml.Linq;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>
/// SNS (query, 2010-03-31): topics, HTTP/S subscriptions with the confirmation flow, Publish with delivery, attributes and
/// tags. ConfirmSubscription and Unsubscribe also answer unsigned requests, as the SubscribeURL and UnsubscribeURL a
/// subscriber receives are fetched without a signature.
/// </summary>
internal sealed class SnsService : IQueryApiService
{
    private static readonly XNamespace Ns = "http://sns.amazonaws.com/doc/2010-03-31/";

    private readonly SnsTopics topics;
    private readonly SnsSubscriptions subscriptions;
    private readonly SnsPublisher publisher;
    private readonly Dictionary<string, Func<QueryParameters, IEnumerable<XElement>>> operations;

    public SnsService(SnsTopics topics, SnsSubscriptions subscriptions, SnsPublisher publisher)
    {
        this.topics = topics;
        this.subscriptions = subscriptions;
        this.publisher = publisher;
        operations = new(StringComparer.Ordinal)
        {
            ["CreateTopic"] = CreateTopic,
            ["DeleteTopic"] = p => Empty(() => topics.Delete(p.Required("TopicArn"))),
            ["ListTopics"] = ListTopics,
            ["GetTopicAttributes"] = p => [AttributesElement(topics.Attributes(p.Required("TopicArn")))],
            ["SetTopicAttributes"] = p => Empty(() => topics.SetAttribute(p.Required("TopicArn"), p.Required("AttributeName"), p.Optional("AttributeValue"))),
            ["Subscribe"] = Subscribe,
            ["ConfirmSubscription"] = p => [Element("SubscriptionArn", subscriptions.Confirm(p.Required("TopicArn"), p.Required("Token"),
                string.Equals(p.Optional("AuthenticateOnUnsubscribe"), "true", StringComparison.OrdinalIgnoreCase), p.IsSigned))],
            ["Unsubscribe"] = p => Empty(() => subscriptions.Unsubscribe(p.Required("SubscriptionArn"), p.IsSigned)),
            ["ListSubscriptions"] = p => ListSubscriptions(null, p),
            ["ListSubscriptionsByTopic"] = p => ListSubscriptions(p.Required("TopicArn"), p),
            ["GetSubscriptionAttributes"] = p => [AttributesElement(subscriptions.Attributes(p.Required("SubscriptionArn")))],
            ["SetSubscriptionAttributes"] = p => Empty(() => subscriptions.SetAttribute(p.Required("SubscriptionArn"), p.Required("AttributeName"), p.Optional("AttributeValue"))),
            ["Publish"] = Publish,
            ["TagResource"] = p => Empty(() => topics.Tag(p.Required("ResourceArn"), Tags(p))),
            ["UntagResource"] = p => Empty(() => topics.Untag(p.Required("ResourceArn"), p.List("TagKeys"))),
            ["ListTagsForResource"] = p => [new XElement(Ns + "Tags", topics.Tags(p.Required("ResourceArn"))
                .Select(t => new XElement(Ns + "member", Element("Key", t.Key), Element("Value", t.Value))))],
        };
    }

    public string SigningName => "sns";

    public XNamespace XmlNamespace => Ns;

    public bool Supports(string action) => operations.ContainsKey(action);

    public bool AllowsUnsigned(string action) => action is "ConfirmSubscription" or "Unsubscribe";

    public IEnumerable<XElement> Handle(string action, QueryParameters parameters) =>
        operations.TryGetValue(action, out var operation)
            ? operation(parameters)
            : throw new AwsServiceException("InvalidAction", $"Could not find operation {action} for version {parameters.Optional("Version")}");

    private IEnumerable<XElement> CreateTopic(QueryParameters p) =>
        [Element("TopicArn", topics.Create(p.Required("Name"), Map(p, "Attributes"), Tags(p)))];

    private IEnumerable<XElement> ListTopics(QueryParameters p)
    {
        var (arns, next) = topics.List(p.Optional("NextToken"));
        return Paged(new XElement(Ns + "Topics", arns.Select(a => new XElement(Ns + "member", Element("TopicArn", a)))), next);
    }

    private IEnumerable<XElement> Subscribe(QueryParameters p)
    {
        var returnArn = string.Equals(p.Optional("ReturnSubscriptionArn"), "true", StringComparison.OrdinalIgnoreCase);
        return [Element("SubscriptionArn", subscriptions.Subscribe(p.Required("TopicArn"), p.Required("Protocol"), p.Optional("Endpoint"), Map(p, "Attributes"), returnArn))];
    }

    private IEnumerable<XElement> ListSubscriptions(string? topicArn, QueryParameters p)
    {
        var (items, next) = subscriptions.List(topicArn, p.Optional("NextToken"));
        return Paged(new XElement(Ns + "Subscriptions", items.Select(s => new XElement(Ns + "member",
            Element("SubscriptionArn", s.ListedArn),
            Element("Owner", s.Owner),
            Element("Protocol", s.Protocol),
            Element("Endpoint", s.Endpoint),
            Element("TopicArn", s.TopicArn)))), next);
    }

    private IEnumerable<XElement> Publish(QueryParameters p)
    {
        if (p.Optional("PhoneNumber") is not null)
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: PhoneNumber Reason: the local cloud sends no SMS");
        }

        var topicArn = p.Optional("TopicArn") ?? p.Optional("TargetArn")
                       ?? throw new AwsServiceException("InvalidParameter", "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter");
        var id = publisher.Publish(topicArn, p.Required("Message"), p.Optional("Subject"), p.Optional("MessageStructure"), MessageAttributes(p));
        return [Element("MessageId", id)];
    }

    /// <summary>A query map: <c>Name.entry.N.key</c> / <c>Name.entry.N.value</c>.</summary>
    private static Dictionary<string, string> Map(QueryParameters p, string name)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; p.Optional(Key(name, "entry", i, "key")) is { } key; i++)
        {
            map[key] = p.Optional(Key(name, "entry", i, "value")) ?? string.Empty;
        }

        return map;
    }

    private static Dictionary<string, string> Tags(QueryParameters p)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; p.Optional(Key("Tags", "member", i, "Key")) is { } key; i++)
        {
            tags[key] = p.Optional(Key("Tags", "member", i, "Value")) ?? string.Empty;
        }

        return tags;
    }

    private static List<MessageAttribute> MessageAttributes(QueryParameters p)
    {
        var attributes = new List<MessageAttribute>();
        for (var i = 1; p.Optional(Key("MessageAttributes", "entry", i, "Name")) is { } name; i++)
        {
            var type = p.Optional(Key("MessageAttributes", "entry", i, "Value.DataType"))
                       ?? throw new AwsServiceException("InvalidParameterValue", $"The message attribute '{name}' must contain non-empty message attribute type.");
            var value = p.Optional(Key("MessageAttributes", "entry", i, "Value.StringValue"))
                        ?? p.Optional(Key("MessageAttributes", "entry", i, "Value.BinaryValue")) ?? string.Empty;
            attributes.Add(new MessageAttribute(name, type, value));
        }

        return attributes;
    }

    private static string Key(string name, string kind, int index, string member) =>
        string.Create(CultureInfo.InvariantCulture, $"{name}.{kind}.{index}.{member}");

    private static XElement AttributesElement(Dictionary<string, string> attributes) =>
        new(Ns + "Attributes", attributes.Select(a => new XElement(Ns + "entry", Element("key", a.Key), Element("value", a.Value))));

    private static IEnumerable<XElement> Paged(XElement list, string? next) =>
        next is null ? [list] : [list, Element("NextToken", next)];

    private static XElement Element(string name, string value) => new(Ns + name, value);

    private static IEnumerable<XElement> Empty(Action action)
    {
        action();
        return [];
    }
}
