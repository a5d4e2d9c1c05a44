namespace Explain.Imaging;

/// <summary>Base class of every error raised while decoding or encoding an image.</summary>
public class ImagingException : Exception
{
    public ImagingException(string message)
        : base(message)
    {
    }

    public ImagingException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
