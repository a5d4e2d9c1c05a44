using Explain.Cam.Evaluation;

namespace Explain.Cam.Tests.Evaluation;

/// <summary>Weakly-supervised localization and the pointing game on maps whose answer is known.</summary>
public sealed class LocalizerTests
{
    [Fact]
    public void Locate_TwoBlobs_BoxesTheLargerConnectedRegion()
    {
        // Arrange: a 3×3 blob at (1,1) and a 4×5 blob at columns 10–13, rows 6–10, on a 20×16 map.
        var map = new float[16 * 20];
        Fill(map, 20, 1, 1, 3, 3, 1.0f);
        Fill(map, 20, 10, 6, 4, 5, 0.5f);

        // Act
        var result = Localizer.Locate(map, 16, 20, 0.15f);

        // Assert: the larger region wins although the other holds the maximum.
        Assert.Equal(new PixelBox(10, 6, 4, 5), result.Box);
        Assert.Equal((1, 1), (result.PeakX, result.PeakY));
        Assert.Null(result.PointingHit);
    }

    [Fact]
    public void Locate_BelowThreshold_IsNotPartOfTheRegion()
    {
        // 0.1 of the max is under 15 %: only the bright 2×2 core is boxed; at 5 % the halo joins.
        var map = new float[10 * 10];
        Fill(map, 10, 2, 2, 6, 6, 0.1f);
        Fill(map, 10, 4, 4, 2, 2, 1f);

        Assert.Equal(new PixelBox(4, 4, 2, 2), Localizer.Locate(map, 10, 10, 0.15f).Box);
        Assert.Equal(new PixelBox(2, 2, 6, 6), Localizer.Locate(map, 10, 10, 0.05f).Box);
    }

    [Fact]
    public void Locate_DiagonalNeighbours_AreOneComponent()
    {
        var map = new float[5 * 5];
        map[0] = map[6] = map[12] = 1f;   // (0,0), (1,1), (2,2): 8-connected

        Assert.Equal(new PixelBox(0, 0, 3, 3), Localizer.Locate(map, 5, 5, 0.5f).Box);
    }

    [Fact]
    public void Locate_AllZero_HasNoBoxAndMissesThePointingGame()
    {
        var result = Localizer.Locate(new float[8 * 8], 8, 8, 0.15f, new PixelBox(0, 0, 8, 8));

        Assert.Null(result.Box);
        Assert.False(result.PointingHit);
        Assert.Equal(0f, result.IoU);
    }

    [Theory]
    [InlineData(30, 30, 0, true)]     // peak inside the box
    [InlineData(45, 30, 0, false)]    // 6 px right of it
    [InlineData(45, 30, 15, true)]    // within Zhang et al.'s 15 px tolerance
    [InlineData(60, 30, 15, false)]   // beyond it
    public void Locate_GroundTruth_PointingGameUsesTheTolerance(int peakX, int peakY, int tolerance, bool hit)
    {
        var map = new float[64 * 64];
        map[peakY * 64 + peakX] = 1f;
        var truth = new PixelBox(20, 20, 20, 20);   // columns 20–39

        var result = Localizer.Locate(map, 64, 64, 0.15f, truth, tolerance);

        Assert.Equal(hit, result.PointingHit);
    }

    [Fact]
    public void Locate_GroundTruth_IoUOfTheBox()
    {
        var map = new float[32 * 32];
        Fill(map, 32, 0, 0, 10, 10, 1f);

        var result = Localizer.Locate(map, 32, 32, 0.15f, new PixelBox(5, 0, 10, 10));

        Assert.Equal(50.0 / 150, result.IoU!.Value, 6);   // overlap 5×10 of a 150-pixel union
    }

    private static void Fill(float[] map, int width, int x, int y, int w, int h, float value)
    {
        for (int r = y; r < y + h; r++)
            for (int c = x; c < x + w; c++)
                map[r * width + c] = value;
    }

    /// <summary>
    /// The run-based labeling against a plain 8-connected flood fill (the earlier implementation, kept here as the oracle)
    /// on 400 seeded random maps: smoothed noise at several thresholds, so components merge through diagonals, wrap around
    /// holes and tie in size; the box must be the flood fill's, tie-break included.
    /// </summary>
    [Fact]
    public void Locate_RandomMaps_SameBoxAsAFloodFill()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 400; trial++)
        {
            int height = random.Next(1, 40), width = random.Next(1, 40);
            var noise = Enumerable.Range(0, height * width).Select(_ => (float)random.NextDouble()).ToArray();
            var map = new float[noise.Length];
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++)
                {
                    float sum = 0;
                    int n = 0;
                    for (int dy = -1; dy <= 1; dy++)
                        for (int dx = -1; dx <= 1; dx++)
                            if (y + dy >= 0 && y + dy < height && x + dx >= 0 && x + dx < width && random.Next(3) > 0)
                                (sum, n) = (sum + noise[(y + dy) * width + x + dx], n + 1);
                    map[y * width + x] = n > 0 ? sum / n : 0;
                }
            float threshold = (float)(0.3 + 0.6 * random.NextDouble());
            float max = map.Max();
            var expected = max > 0 ? FloodFill(map, height, width, threshold * max) : null;
            Assert.Equal(expected, Localizer.Locate(map, height, width, threshold).Box);
        }
    }

    private static PixelBox? FloodFill(float[] map, int height, int width, float cut)
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
