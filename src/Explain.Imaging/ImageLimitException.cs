namespace Explain.Imaging;

/// <summary>
/// The image exceeds <see cref="ImageLimits"/>. Raised from the file size or the header alone,
/// before any pixel buffer is allocated, so a decompression bomb costs nothing.
/// </summary>
public sealed class ImageLimitException : ImagingException
{
    public ImageLimitException(string message)
        : base(message)
    {
    }
}
