namespace Explain.Cam.Evaluation;

/// <summary>An axis-aligned box in the model input's pixels: columns X … X+Width−1, rows Y … Y+Height−1.</summary>
public sealed record PixelBox(int X, int Y, int Width, int Height)
{
    public bool Contains(int x, int y) => x >= X && x < X + Width && y >= Y && y < Y + Height;

    /// <summary>Intersection over union with another box.</summary>
    public double IoU(PixelBox other)
    {
        int w = Math.Min(X + Width, other.X + other.Width) - Math.Max(X, other.X);
        int h = Math.Min(Y + Height, other.Y + other.Height) - Math.Max(Y, other.Y);
        double inter = w > 0 && h > 0 ? (double)w * h : 0;
        return inter / ((double)Width * Height + (double)other.Width * other.Height - inter);
    }
}
