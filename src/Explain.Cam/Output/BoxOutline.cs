using Explain.Imaging;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Output;

/// <summary>Draws a box (model-input pixels) on an overlay at the original image's resolution, through the crop footprint.</summary>
internal static class BoxOutline
{
    private static readonly byte[] White = [255, 255, 255];

    /// <summary>A localization box, in white.</summary>
    public static void Draw(RgbImage image, Evaluation.PixelBox box, CropFootprint footprint, int inputWidth, int inputHeight) =>
        Draw(image, box.X, box.Y, box.X + box.Width, box.Y + box.Height, footprint, inputWidth, inputHeight, White);

    /// <summary>The box [x1, x2) × [y1, y2) in input pixels, in <paramref name="colour"/>.</summary>
    public static void Draw(RgbImage image, double x1, double y1, double x2, double y2, CropFootprint footprint, int inputWidth, int inputHeight, byte[] colour)
    {
        double sx = footprint.Width / inputWidth, sy = footprint.Height / inputHeight;
        int left = Clamp(footprint.Left + x1 * sx, image.Width), right = Clamp(footprint.Left + x2 * sx - 1, image.Width);
        int top = Clamp(footprint.Top + y1 * sy, image.Height), bottom = Clamp(footprint.Top + y2 * sy - 1, image.Height);
        int thickness = Math.Max(2, Math.Min(image.Width, image.Height) / 150);
        for (int t = 0; t < thickness; t++)
        {
            for (int x = left; x <= right; x++) { Set(image, x, Math.Min(top + t, bottom), colour); Set(image, x, Math.Max(bottom - t, top), colour); }
            for (int y = top; y <= bottom; y++) { Set(image, Math.Min(left + t, right), y, colour); Set(image, Math.Max(right - t, left), y, colour); }
        }
    }

    private static int Clamp(double v, int size) => Math.Clamp((int)Math.Round(v), 0, size - 1);

    private static void Set(RgbImage image, int x, int y, byte[] colour) => colour.CopyTo(image.Pixels.AsSpan((y * image.Width + x) * 3, 3));
}
