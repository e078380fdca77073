using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Deploy.LocalCloud.Hosting;
using Deploy.LocalCloud.Protocols;

namespace Deploy.LocalCloud.Sns;

/// <summary>Topics: create (idempotent, as SNS), delete with their subscriptions, attributes, tags, listing.</summary>
internal sealed partial class SnsTopics(SnsStore store, LocalCloudOptions options)
{
    public const int PageSize = 100;

    public string Arn(string name) => $"arn:aws:sns:{options.Region}:{options.AccountId}:{name}";

    /// <summary>Creates the topic, or returns the existing one of that name when the attributes given match its own.</summary>
    public string Create(string name, IReadOnlyDictionary<string, string> attributes, IReadOnlyDictionary<string, string> tags)
    {
        if (name.EndsWith(".fifo", StringComparison.Ordinal))
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Topic Name Reason: FIFO topics are not supported by the local cloud (standard topics only)");
        }

        if (!TopicName().IsMatch(name))
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: Topic Name");
        }

        foreach (var (attribute, value) in attributes)
        {
            SnsAttributes.ValidateTopicAttribute(attribute, value);
        }

        ValidateTags(tags);
        var arn = Arn(name);
        return store.Update(state =>
        {
            if (state.Topics.TryGetValue(arn, out var existing))
            {
                if (attributes.Any(a => existing.Attributes.GetValueOrDefault(a.Key) != a.Value))
                {
                    throw new AwsServiceException("InvalidParameter", "Invalid parameter: Attributes Reason: Topic already exists with different attributes");
                }

                return arn;
            }

            state.Topics[arn] = new TopicRecord
            {
                Name = name,
                Arn = arn,
                Attributes = new Dictionary<string, string>(attributes.Where(a => a.Key != "FifoTopic"), StringComparer.Ordinal),
                Tags = new Dictionary<string, string>(tags, StringComparer.Ordinal),
            };
            return arn;
        });
    }

    /// <summary>Deletes the topic and its subscriptions; deleting a topic that does not exist succeeds, as in SNS.</summary>
    public void Delete(string arn) => store.Update(state =>
    {
        state.Topics.Remove(arn);
        foreach (var subscription in state.Subscriptions.Values.Where(s => s.TopicArn == arn).ToList())
        {
            state.Subscriptions.Remove(subscription.Arn);
        }

        return true;
    });

    public Dictionary<string, string> Attributes(string arn) => store.Read(state =>
        SnsAttributes.TopicView(SnsStore.Topic(state, arn), state.Subscriptions.Values.Where(s => s.TopicArn == arn), options.AccountId));

    /// <summary>Sets one attribute; an empty value removes it (back to its default).</summary>
    public void SetAttribute(string arn, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            SnsAttributes.ValidateTopicAttribute(name, value);
        }
        else
        {
            SnsAttributes.RequireTopicAttributeName(name);
        }

        store.Update(state =>
        {
            var topic = SnsStore.Topic(state, arn);
            if (string.IsNullOrEmpty(value) || name == "FifoTopic")
            {
                topic.Attributes.Remove(name);
            }
            else
            {
                topic.Attributes[name] = value;
            }

            return true;
        });
    }

    public (IReadOnlyList<string> Arns, string? NextToken) List(string? nextToken) => store.Read(state =>
        Page(state.Topics.Keys.Order(StringComparer.Ordinal).ToList(), nextToken));

    public IReadOnlyDictionary<string, string> Tags(string arn) => store.Read(state =>
        (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(TaggedTopic(state, arn).Tags, StringComparer.Ordinal));

    public void Tag(string arn, IReadOnlyDictionary<string, string> tags)
    {
        ValidateTags(tags);
        store.Update(state =>
        {
            var topic = TaggedTopic(state, arn);
            foreach (var (key, value) in tags)
            {
                topic.Tags[key] = value;
            }

            return topic.Tags.Count <= 50
                ? true
                : throw new AwsServiceException("TagLimitExceeded", "Could not complete request: tag quota of per resource exceeded");
        });
    }

    public void Untag(string arn, IEnumerable<string> keys) => store.Update(state =>
    {
        var topic = TaggedTopic(state, arn);
        foreach (var key in keys)
        {
            topic.Tags.Remove(key);
        }

        return true;
    });

    /// <summary>One page of a sorted list; the token is the position of the next item.</summary>
    public static (IReadOnlyList<string> Items, string? NextToken) Page(IReadOnlyList<string> items, string? nextToken)
    {
        var start = 0;
        if (!string.IsNullOrEmpty(nextToken) && (!int.TryParse(nextToken, NumberStyles.None, CultureInfo.InvariantCulture, out start) || start > items.Count))
        {
            throw new AwsServiceException("InvalidParameter", "Invalid parameter: NextToken");
        }

        var page = items.Skip(start).Take(PageSize).ToList();
        var next = start + page.Count < items.Count ? (start + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        return (page, next);
    }

    private static TopicRecord TaggedTopic(SnsState state, string arn) =>
        state.Topics.GetValueOrDefault(arn) ?? throw new AwsServiceException("ResourceNotFound", "Resource does not exist", HttpStatusCode.NotFound);

    private static void ValidateTags(IReadOnlyDictionary<string, string> tags)
    {
        foreach (var (key, value) in tags)
        {
            if (key.Length is 0 or > 128 || value.Length > 256)
            {
                throw new AwsServiceException("InvalidParameter", "Invalid parameter: Tags Reason: a tag key has 1 to 128 characters, a value at most 256");
            }
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex TopicName();
}
