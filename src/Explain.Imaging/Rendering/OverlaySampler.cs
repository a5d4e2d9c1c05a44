using Explain.Imaging.Preprocessing;

namespace Explain.Imaging.Rendering;

/// <summary>
/// Colormap entry of every image pixel: the map resampled bilinearly with half-pixel centres
/// onto the footprint, −1 outside it. The horizontal pass of each map row is computed once and
/// reused by the image rows between it and the next: the same float32 products as sampling each
/// pixel separately, so the values are unchanged.
/// </summary>
internal sealed class OverlaySampler
{
    private readonly float[] _map;
    private readonly int _mapWidth;
    private readonly (int X0, int X1, float F)[] _columns;
    private readonly (int Y0, int Y1, float F)[] _rows;
    private readonly bool[] _columnInside, _rowInside;
    private float[] _top, _bottom;
    private int _topRow = -1, _bottomRow = -1;

    public OverlaySampler(int width, int height, float[] map, int mapHeight, int mapWidth, CropFootprint footprint)
    {
        _map = map;
        _mapWidth = mapWidth;
        (_columns, _columnInside) = Project(width, footprint.Left, footprint.Width, mapWidth);
        (_rows, _rowInside) = Project(height, footprint.Top, footprint.Height, mapHeight);
        _top = new float[width];
        _bottom = new float[width];
    }

    /// <summary>Writes the colormap entries of image row y.</summary>
    public void Entries(int y, Span<short> entries)
    {
        if (!_rowInside[y])
        {
            entries.Fill(-1);
            return;
        }

        var (y0, y1, fy) = _rows[y];
        if (_topRow != y0)
        {
            if (_bottomRow == y0)
            {
                (_top, _bottom, _topRow, _bottomRow) = (_bottom, _top, _bottomRow, _topRow);
            }
            else
            {
                Horizontal(y0, _top);
                _topRow = y0;
            }
        }

        if (_bottomRow != y1)
        {
            Horizontal(y1, _bottom);
            _bottomRow = y1;
        }

        ReadOnlySpan<float> top = _top, bottom = _bottom;
        ReadOnlySpan<bool> inside = _columnInside;
        for (int x = 0; x < entries.Length; x++)
        {
            entries[x] = inside[x] ? (short)Colormap.IndexOf((1 - fy) * top[x] + fy * bottom[x]) : (short)-1;
        }
    }

    private void Horizontal(int mapRow, float[] values)
    {
        var row = _map.AsSpan(mapRow * _mapWidth, _mapWidth);
        for (int x = 0; x < values.Length; x++)
        {
            var (x0, x1, fx) = _columns[x];
            values[x] = (1 - fx) * row[x0] + fx * row[x1];
        }
    }

    /// <summary>
    /// Map coordinate of each output pixel centre, ((x + ½) − start)/extent · n − ½ clamped, as
    /// the two neighbours and the float weight of the second.
    /// </summary>
    private static ((int, int, float)[] Samples, bool[] Inside) Project(int size, double start, double extent, int n)
    {
        var samples = new (int, int, float)[size];
        var inside = new bool[size];
        for (int x = 0; x < size; x++)
        {
            double centre = x + 0.5;
            inside[x] = centre >= start && centre < start + extent;
            double u = Math.Clamp((centre - start) / extent * n - 0.5, 0.0, n - 1);
            int i0 = (int)u;
            samples[x] = (i0, Math.Min(i0 + 1, n - 1), (float)(u - i0));
        }

        return (samples, inside);
    }
}
