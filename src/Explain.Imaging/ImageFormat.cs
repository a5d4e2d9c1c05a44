namespace Explain.Imaging;

/// <summary>Encoded formats recognised by their magic bytes.</summary>
public enum ImageFormat
{
    Unknown,
    Jpeg,
    Png,
}
