using Explain.Engine.Tensors;

namespace Explain.Engine.Tests;

/// <summary>
/// Reference 2-D pooling written from the ONNX spec text: every kernel tap of every window is
/// visited and classified as input, padding, or beyond the padded input (ceil_mode overhang).
/// Output sizes are given by the test, so the op's size arithmetic is checked separately.
/// </summary>
public static class NaivePool
{
    public static Tensor Max(Tensor x, int outH, int outW, int[] k, int[] s, int[] padsBegin, int[] d) =>
        Run(x, outH, outW, k, s, padsBegin, [0, 0], d, (taps, _, _) => taps.Count == 0 ? float.NegativeInfinity : taps.Max());

    public static Tensor Average(Tensor x, int outH, int outW, int[] k, int[] s, int[] padsBegin, int[] padsEnd, bool countIncludePad) =>
        Run(x, outH, outW, k, s, padsBegin, padsEnd, [1, 1],
            (taps, padded, _) => taps.Sum() / (countIncludePad ? padded : taps.Count));

    private static Tensor Run(Tensor x, int outH, int outW, int[] k, int[] s, int[] pb, int[] pe, int[] d,
        Func<List<float>, int, int, float> reduce)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        var y = new float[n * c * outH * outW];
        for (int p = 0; p < n * c; p++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    var taps = new List<float>();
                    int padded = 0;
                    for (int kh = 0; kh < k[0]; kh++)
                        for (int kw = 0; kw < k[1]; kw++)
                        {
                            int ih = oh * s[0] - pb[0] + kh * d[0];
                            int iw = ow * s[1] - pb[1] + kw * d[1];
                            bool inPadded = ih >= -pb[0] && ih < h + pe[0] && iw >= -pb[1] && iw < w + pe[1];
                            if (inPadded)
                                padded++;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w)
                                taps.Add(x.Floats[(p * h + ih) * w + iw]);
                        }
                    y[(p * outH + oh) * outW + ow] = reduce(taps, padded, 0);
                }
        return Tensor.FromArray(y, n, c, outH, outW);
    }

    /// <summary>Gradient of max pooling: each output's gradient goes to its first maximal tap in row-major order.</summary>
    public static Tensor MaxBackward(Tensor x, Tensor g, int[] k, int[] s, int[] pb, int[] d)
    {
        int planes = x.Shape[0] * x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int outH = g.Shape[2], outW = g.Shape[3];
        var dx = new float[x.Length];
        for (int p = 0; p < planes; p++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    int best = -1;
                    for (int kh = 0; kh < k[0]; kh++)
                        for (int kw = 0; kw < k[1]; kw++)
                        {
                            int ih = oh * s[0] - pb[0] + kh * d[0], iw = ow * s[1] - pb[1] + kw * d[1];
                            int i = (p * h + ih) * w + iw;
                            if (ih >= 0 && ih < h && iw >= 0 && iw < w && (best < 0 || x.Floats[i] > x.Floats[best]))
                                best = i;
                        }
                    if (best >= 0)
                        dx[best] += g.Floats[(p * outH + oh) * outW + ow];
                }
        return Tensor.FromArray(dx, x.Shape);
    }
}
