namespace Explain.Cam.Evaluation;

/// <summary>Computes <see cref="MapLocalization"/> from a normalized H×W map.</summary>
public static class Localizer
{
    public static MapLocalization Locate(float[] map, int height, int width, float threshold, PixelBox? truth = null, int pointingTolerance = 15)
    {
        if (map.Length != height * width)
            throw new ArgumentException($"map has {map.Length} values, not {height}x{width}");
        int peak = 0;
        for (int p = 1; p < map.Length; p++)
            if (map[p] > map[peak]) peak = p;
        float max = map.Length == 0 ? 0 : map[peak];
        var box = max > 0 ? LargestComponent(map, height, width, threshold * max) : null;
        var result = new MapLocalization(box, threshold, peak % width, peak / width);
        if (truth is null)
            return result;
        var grown = new PixelBox(truth.X - pointingTolerance, truth.Y - pointingTolerance, truth.Width + 2 * pointingTolerance, truth.Height + 2 * pointingTolerance);
        return result with
        {
            PointingHit = max > 0 && grown.Contains(result.PeakX, result.PeakY),
            PointingTolerance = pointingTolerance,
            IoU = box is null ? 0f : (float)box.IoU(truth),
        };
    }

    /// <summary>The bounding box of the largest 8-connected set of pixels ≥ <paramref name="cut"/> (the first in raster order on a tie).</summary>
    private static PixelBox? LargestComponent(float[] map, int height, int width, float cut)
    {
        var label = new int[map.Length];
        var stack = new Stack<int>();
        PixelBox? best = null;
        int bestSize = 0, next = 0;
        for (int start = 0; start < map.Length; start++)
        {
            if (label[start] != 0 || !(map[start] >= cut)) continue;
            next++;
            int size = 0, x0 = width, y0 = height, x1 = -1, y1 = -1;
            label[start] = next;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int p = stack.Pop(), y = p / width, x = p % width;
                size++;
                (x0, x1, y0, y1) = (Math.Min(x0, x), Math.Max(x1, x), Math.Min(y0, y), Math.Max(y1, y));
                for (int dy = -1; dy <= 1; dy++)
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        int ny = y + dy, nx = x + dx, q = ny * width + nx;
                        if (ny < 0 || nx < 0 || ny >= height || nx >= width || label[q] != 0 || !(map[q] >= cut)) continue;
                        label[q] = next;
                        stack.Push(q);
                    }
            }
            if (size > bestSize)
                (bestSize, best) = (size, new PixelBox(x0, y0, x1 - x0 + 1, y1 - y0 + 1));
        }
        return best;
    }
}
