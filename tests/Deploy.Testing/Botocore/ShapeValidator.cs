namespace Deploy.Testing.Botocore;

/// <summary>
/// One validator of messages against botocore's shapes, for any shape (input, output or error) of any service, in the
/// three ways AWS writes them: JSON (<see cref="ValidateJson(ServiceModel, string, System.Text.Json.JsonElement, MessageDirection)"/>),
/// XML (<see cref="ValidateXml"/>) and query form fields (<see cref="ValidateQueryFields"/>). The three share the
/// reading of shapes and the scalar checks (<see cref="ShapeFacts"/>). Each returns every violation as
/// <c>path: problem</c>; an empty list means the message conforms. Whole requests and responses (headers, envelopes,
/// errors) are checked by <see cref="BotocoreModels"/> on top of these.
/// </summary>
public static partial class ShapeValidator
{
}

/// <summary>Which way a message travels: requests must meet every constraint of the model, responses nearly all.</summary>
public enum MessageDirection
{
    /// <summary>Sent to AWS: botocore's constraints all apply.</summary>
    Request,

    /// <summary>Sent by AWS (or an emulator): as a request, except that lists and maps may be smaller than the model's minimum.</summary>
    Response,
}
