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

    /// <summary>
    /// The bounding box of the largest 8-connected set of pixels ≥ <paramref name="cut"/> (the first in raster order on a tie),
    /// by runs: each row's runs of pixels over the cut, joined (union-find) with the previous row's runs they touch
    /// diagonally or directly. Runs are numbered in raster order, so a component's smallest run is its first pixel.
    /// </summary>
    private static PixelBox? LargestComponent(float[] map, int height, int width, float cut)
    {
        var runs = new List<(int Y, int X0, int X1)>();
        var parent = new List<int>();
        int previousStart = 0, previousEnd = 0;
        for (int y = 0; y < height; y++)
        {
            int rowStart = runs.Count, row = y * width;
            for (int x = 0; x < width; x++)
            {
                if (!(map[row + x] >= cut)) continue;
                int x0 = x;
                while (x + 1 < width && map[row + x + 1] >= cut) x++;
                int id = runs.Count;
                runs.Add((y, x0, x));
                parent.Add(id);
                // The previous row's runs that touch this one (8-connectivity: one column of slack on each side).
                for (int r = previousStart; r < previousEnd; r++)
                    if (runs[r].X0 <= x + 1 && x0 <= runs[r].X1 + 1)
                        Union(parent, id, r);
            }
            (previousStart, previousEnd) = (rowStart, runs.Count);
        }
        if (runs.Count == 0)
            return null;
        var size = new int[runs.Count];
        var box = new (int X0, int Y0, int X1, int Y1)[runs.Count];
        for (int r = 0; r < runs.Count; r++)
        {
            int root = Find(parent, r);
            var (y, x0, x1) = runs[r];
            box[root] = size[root] == 0 ? (x0, y, x1, y) : (Math.Min(box[root].X0, x0), box[root].Y0, Math.Max(box[root].X1, x1), y);
            size[root] += x1 - x0 + 1;
        }
        // Roots in ascending order are components in raster order of their first pixel: strictly larger wins, so a tie keeps the first.
        int best = -1;
        for (int r = 0; r < runs.Count; r++)
            if (size[r] > 0 && (best < 0 || size[r] > size[best]))
                best = r;
        var b = box[best];
        return new PixelBox(b.X0, b.Y0, b.X1 - b.X0 + 1, b.Y1 - b.Y0 + 1);
    }

    private static int Find(List<int> parent, int r)
    {
        while (parent[r] != r)
        {
            parent[r] = parent[parent[r]];
            r = parent[r];
        }
        return r;
    }

    // The smaller run becomes the root, so every root is its component's first run in raster order.
    private static void Union(List<int> parent, int a, int b)
    {
        int ra = Find(parent, a), rb = Find(parent, b);
        if (ra != rb)
            parent[Math.Max(ra, rb)] = Math.Min(ra, rb);
    }
}
