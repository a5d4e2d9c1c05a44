using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Sobel (pytorch-grad-cam's sanity baseline sobel_cam): the edge magnitude of the input,
/// 0.5 |G_x| + 0.5 |G_y| with the 3×3 Sobel kernels on the grey image (ITU-R 601 luma
/// 0.299 R + 0.587 G + 0.114 B of the model's input tensor; the channel mean for other channel
/// counts), border reflected without repeating the edge (OpenCV's BORDER_REFLECT_101). Unlike
/// pytorch-grad-cam it works on the float input, not a uint8 picture, so nothing saturates at 255.
/// Class-agnostic: a map that looks like this one is showing edges, not evidence.
/// </summary>
public sealed class Sobel : AttributionMethod
{
    public override string WireName => "sobel";

    public override MethodNeeds Needs => MethodNeeds.None;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        int[] shape = passes.Input.Shape;
        int channels = shape[1], height = shape[2], width = shape[3], plane = height * width;
        var x = passes.Input.Floats;
        float[] luma = channels == 3 ? [0.299f, 0.587f, 0.114f] : Enumerable.Repeat(1f / channels, channels).ToArray();
        var gray = new float[plane];
        for (int c = 0; c < channels; c++)
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x.AsSpan(c * plane, plane), luma[c], gray, gray);
        var edges = new float[plane];
        for (int y = 0; y < height; y++)
            for (int i = 0; i < width; i++)
            {
                float At(int dy, int dx) => gray[Reflect(y + dy, height) * width + Reflect(i + dx, width)];
                float gx = At(-1, 1) + 2 * At(0, 1) + At(1, 1) - At(-1, -1) - 2 * At(0, -1) - At(1, -1);
                float gy = At(1, -1) + 2 * At(1, 0) + At(1, 1) - At(-1, -1) - 2 * At(-1, 0) - At(-1, 1);
                edges[y * width + i] = 0.5f * MathF.Abs(gx) + 0.5f * MathF.Abs(gy);
            }
        return passes.Targets.Select(_ => new RawMap((float[])edges.Clone(), [height, width])).ToList();
    }

    private static int Reflect(int i, int n) => n == 1 ? 0 : i < 0 ? -i : i >= n ? 2 * n - 2 - i : i;
}
