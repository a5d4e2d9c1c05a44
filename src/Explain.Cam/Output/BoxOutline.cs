using Explain.Imaging;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Output;

/// <summary>Draws a localization box (model-input pixels) on an overlay at the original image's resolution, through the crop footprint.</summary>
internal static class BoxOutline
{
    private static readonly byte[] Colour = [255, 255, 255];

    public static void Draw(RgbImage image, Evaluation.PixelBox box, CropFootprint footprint, int inputWidth, int inputHeight)
    {
        double sx = footprint.Width / inputWidth, sy = footprint.Height / inputHeight;
        int x0 = Clamp(footprint.Left + box.X * sx, image.Width), x1 = Clamp(footprint.Left + (box.X + box.Width) * sx - 1, image.Width);
        int y0 = Clamp(footprint.Top + box.Y * sy, image.Height), y1 = Clamp(footprint.Top + (box.Y + box.Height) * sy - 1, image.Height);
        int thickness = Math.Max(2, Math.Min(image.Width, image.Height) / 150);
        for (int t = 0; t < thickness; t++)
        {
            for (int x = x0; x <= x1; x++) { Set(image, x, Math.Min(y0 + t, y1)); Set(image, x, Math.Max(y1 - t, y0)); }
            for (int y = y0; y <= y1; y++) { Set(image, Math.Min(x0 + t, x1), y); Set(image, Math.Max(x1 - t, x0), y); }
        }
    }

    private static int Clamp(double v, int size) => Math.Clamp((int)Math.Round(v), 0, size - 1);

    private static void Set(RgbImage image, int x, int y) => Colour.CopyTo(image.Pixels.AsSpan((y * image.Width + x) * 3, 3));
}
