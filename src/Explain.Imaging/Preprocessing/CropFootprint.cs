namespace Explain.Imaging.Preprocessing;

/// <summary>
/// The rectangle of the ORIGINAL image that the model input covers after resize and center
/// crop, in original pixel units (edges, not centres; may exceed the image where the crop
/// padded). A map at input resolution is drawn back onto exactly this rectangle.
/// </summary>
public readonly record struct CropFootprint(double Left, double Top, double Right, double Bottom)
{
    public double Width => Right - Left;

    public double Height => Bottom - Top;

    /// <summary>The whole image: for maps that already cover it.</summary>
    public static CropFootprint Full(int width, int height) => new(0, 0, width, height);

    /// <summary>Footprint of <paramref name="spec"/> applied to an image of the given size.</summary>
    public static CropFootprint For(int width, int height, PreprocessSpec spec)
    {
        var (rw, rh) = ImagePreprocessor.ResizedSize(width, height, spec.ResizeShorterTo);
        int left = ImagePreprocessor.CropOffset(rw, spec.InputWidth);
        int top = ImagePreprocessor.CropOffset(rh, spec.InputHeight);
        double sx = (double)width / rw, sy = (double)height / rh;
        return new CropFootprint(left * sx, top * sy, (left + spec.InputWidth) * sx, (top + spec.InputHeight) * sy);
    }
}
