using Explain.Cam.Targets;
using Explain.Imaging;
using Explain.Imaging.Preprocessing;

namespace Explain.Cam.Output;

/// <summary>
/// Draws a target's geometry (model-input pixels) on an overlay at the original picture's resolution, through
/// the crop footprint as <see cref="BoxOutline"/> does: a segmentation mask's boundary pixels in green, a
/// detection target's reference boxes in cyan and the rows they matched in magenta (the localization box
/// stays white).
/// </summary>
internal static class TargetOutline
{
    internal static readonly byte[] MaskColour = [0, 255, 0];
    internal static readonly byte[] ReferenceColour = [0, 255, 255];
    internal static readonly byte[] MatchedColour = [255, 0, 255];

    public static void Draw(RgbImage image, TargetGeometry? geometry, CropFootprint footprint, int inputWidth, int inputHeight)
    {
        switch (geometry)
        {
            case TargetGeometry.Mask mask:
                DrawMask(image, mask.AtSize(inputHeight, inputWidth), footprint, inputWidth, inputHeight);
                break;
            case TargetGeometry.Boxes boxes:
                foreach (var match in boxes.Matches)
                {
                    var r = match.Reference;
                    BoxOutline.Draw(image, r.X1, r.Y1, r.X2, r.Y2, footprint, inputWidth, inputHeight, ReferenceColour);
                    if (match.Detection is { } d)
                        BoxOutline.Draw(image, d.X1, d.Y1, d.X2, d.Y2, footprint, inputWidth, inputHeight, MatchedColour);
                }
                break;
        }
    }

    /// <summary>A mask pixel is on the boundary when a 4-neighbour is outside the mask or the picture; each fills its footprint in the original.</summary>
    private static void DrawMask(RgbImage image, TargetGeometry.Mask mask, CropFootprint footprint, int inputWidth, int inputHeight)
    {
        double sx = footprint.Width / inputWidth, sy = footprint.Height / inputHeight;
        bool In(int x, int y) => x >= 0 && y >= 0 && x < mask.Width && y < mask.Height && mask.Pixels[y * mask.Width + x] != 0;
        for (int y = 0; y < mask.Height; y++)
            for (int x = 0; x < mask.Width; x++)
            {
                if (!In(x, y) || (In(x - 1, y) && In(x + 1, y) && In(x, y - 1) && In(x, y + 1)))
                    continue;
                int x0 = (int)Math.Floor(footprint.Left + x * sx), x1 = Math.Max(x0 + 1, (int)Math.Floor(footprint.Left + (x + 1) * sx));
                int y0 = (int)Math.Floor(footprint.Top + y * sy), y1 = Math.Max(y0 + 1, (int)Math.Floor(footprint.Top + (y + 1) * sy));
                for (int py = Math.Max(0, y0); py < Math.Min(image.Height, y1); py++)
                    for (int px = Math.Max(0, x0); px < Math.Min(image.Width, x1); px++)
                        MaskColour.CopyTo(image.Pixels.AsSpan((py * image.Width + px) * 3, 3));
            }
    }
}
