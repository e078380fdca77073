namespace Deploy.Delivery.Images;

/// <summary>Image ids as people read them.</summary>
public static class ImageId
{
    /// <summary>The id without <c>sha256:</c>, 12 characters, as <c>docker images</c> shows it.</summary>
    public static string Abbreviate(string id) => id.Replace("sha256:", string.Empty, StringComparison.Ordinal)[..12];
}
