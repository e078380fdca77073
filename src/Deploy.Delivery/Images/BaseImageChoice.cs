namespace Deploy.Delivery.Images;

/// <summary>The runtime base the service image is built on, whether it was produced locally, and why.</summary>
public sealed record BaseImageChoice(string Image, bool Produced, string Reason);
