namespace Deploy.Delivery.Images;

/// <summary>The runtime base the service image is built on (its reference and image id), whether it was produced locally, and why.</summary>
public sealed record BaseImageChoice(string Image, string Id, bool Produced, string Reason);
