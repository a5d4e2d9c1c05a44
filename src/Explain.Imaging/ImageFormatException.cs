namespace Explain.Imaging;

/// <summary>The bytes are not a supported image, or the image is corrupt or truncated.</summary>
public sealed class ImageFormatException : ImagingException
{
    public ImageFormatException(string message)
        : base(message)
    {
    }

    public ImageFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
