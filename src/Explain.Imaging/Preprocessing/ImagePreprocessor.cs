namespace Explain.Imaging.Preprocessing;

/// <summary>
/// Image → NCHW float tensor, step for step as torchvision 0.14 does on a PIL image:
/// Resize(S) (PIL resize, antialiased), CenterCrop, ToTensor, Normalize.
/// </summary>
public static class ImagePreprocessor
{
    /// <summary>Runs the whole pipeline; returns float[1 × 3 × H × W].</summary>
    public static float[] ToTensor(RgbImage image, PreprocessSpec spec) => Normalize(ResizeAndCrop(image, spec), spec);

    /// <summary>
    /// Resize then CenterCrop, byte-exact with doing them one after the other, but computing only
    /// the resized pixels the crop keeps: the work and memory are those of the crop, whatever the
    /// image's aspect ratio (a 1 × 5000 strip resized first would be 256 × 1 280 000 pixels).
    /// </summary>
    public static RgbImage ResizeAndCrop(RgbImage image, PreprocessSpec spec)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(spec);
        var (rw, rh) = ResizedSize(image.Width, image.Height, spec.ResizeShorterTo);
        int width = spec.InputWidth, height = spec.InputHeight;
        int left = CropOffset(rw, width), top = CropOffset(rh, height);
        // The part of the crop that lies on the resized image (the rest is torchvision's zero padding).
        int x0 = Math.Max(0, left), x1 = (int)Math.Min(rw, (long)left + width);
        int y0 = Math.Max(0, top), y1 = (int)Math.Min(rh, (long)top + height);
        var window = PilResampler.ResizeWindow(image, rw, rh, spec.Interpolation, x0, y0, x1 - x0, y1 - y0);
        if (window.Width == width && window.Height == height)
        {
            return window;
        }

        var dst = new byte[3L * width * height];
        for (int y = 0; y < window.Height; y++)
        {
            Array.Copy(window.Pixels, 3L * y * window.Width, dst, 3 * (((long)y0 - top + y) * width + (x0 - left)), 3L * window.Width);
        }

        return new RgbImage(width, height, dst);
    }

    /// <summary>
    /// torchvision F.resize with an int: shorter side to S, longer side int(S · long / short),
    /// truncated as Python's int() does.
    /// </summary>
    /// <exception cref="ImageLimitException">The resized longer side would not fit an int.</exception>
    public static (int Width, int Height) ResizedSize(int width, int height, int? shorterTo)
    {
        if (shorterTo is not int s)
        {
            return (width, height);
        }

        bool portrait = width <= height;
        int shortSide = portrait ? width : height, longSide = portrait ? height : width;
        double newLong = Math.Floor((double)((long)s * longSide) / shortSide);
        if (newLong > int.MaxValue)
        {
            throw new ImageLimitException($"Resizing {width}x{height} so the shorter side is {s} makes the longer side {newLong:0} pixels.");
        }

        return portrait ? (s, (int)newLong) : ((int)newLong, s);
    }

    /// <summary>PIL Image.resize with a convolution filter, byte-exact with Pillow.</summary>
    public static RgbImage Resize(RgbImage image, int width, int height, ResampleFilter filter) =>
        PilResampler.Resize(image, width, height, filter);

    /// <summary>
    /// torchvision F.center_crop: offset int(round((size − crop) / 2)) with Python's
    /// round-half-to-even; where the crop is larger, zero padding of (crop − size) // 2 first.
    /// </summary>
    public static int CropOffset(int size, int crop) =>
        crop > size ? -((crop - size) / 2) : (int)Math.Round((size - crop) / 2.0, MidpointRounding.ToEven);

    public static RgbImage CenterCrop(RgbImage image, int height, int width)
    {
        int left = CropOffset(image.Width, width), top = CropOffset(image.Height, height);
        var dst = new byte[3L * width * height];
        for (int y = 0; y < height; y++)
        {
            int sy = top + y;
            if (sy < 0 || sy >= image.Height)
            {
                continue;
            }

            int x0 = Math.Max(0, -left), x1 = Math.Min(width, image.Width - left);
            if (x1 > x0)
            {
                Array.Copy(image.Pixels, ((long)sy * image.Width + left + x0) * 3, dst, ((long)y * width + x0) * 3, (x1 - x0) * 3L);
            }
        }

        return new RgbImage(width, height, dst);
    }

    /// <summary>
    /// ToTensor then Normalize in float32, as torch computes them: v = x·scale rounded to
    /// float, then (v − mean) / std with float32 mean and std. Mean and std are indexed by
    /// tensor plane, so for a BGR model they are listed B, G, R (as Caffe-era models list them).
    /// </summary>
    public static float[] Normalize(RgbImage image, PreprocessSpec spec)
    {
        int plane = image.Width * image.Height;
        var tensor = new float[3 * plane];
        for (int c = 0; c < 3; c++)
        {
            int source = spec.ChannelOrder == ChannelOrder.Rgb ? c : 2 - c;
            float mean = (float)spec.Mean[c], std = (float)spec.Std[c];
            var lut = new float[256];
            for (int v = 0; v < 256; v++)
            {
                lut[v] = ((float)(v * spec.Scale) - mean) / std;
            }

            var dst = tensor.AsSpan(c * plane, plane);
            for (int i = 0; i < plane; i++)
            {
                dst[i] = lut[image.Pixels[i * 3 + source]];
            }
        }

        return tensor;
    }
}
