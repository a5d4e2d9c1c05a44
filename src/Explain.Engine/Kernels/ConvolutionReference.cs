namespace Explain.Engine.Kernels;

/// <summary>The naive seven-loop convolution the GEMM and depthwise paths are tested against.</summary>
public static class ConvolutionReference
{
    public static void Forward(ConvGeometry g, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> bias, Span<float> y)
    {
        int cg = g.GroupChannels, mg = g.GroupOutChannels;
        for (int n = 0; n < g.Batch; n++)
            for (int o = 0; o < g.OutChannels; o++)
                for (int oh = 0; oh < g.OutHeight; oh++)
                    for (int ow = 0; ow < g.OutWidth; ow++)
                    {
                        double sum = bias.IsEmpty ? 0 : bias[o];
                        int group = o / mg;
                        for (int c = 0; c < cg; c++)
                            for (int kh = 0; kh < g.KernelHeight; kh++)
                                for (int kw = 0; kw < g.KernelWidth; kw++)
                                {
                                    int ih = oh * g.StrideHeight - g.PadTop + kh * g.DilationHeight;
                                    int iw = ow * g.StrideWidth - g.PadLeft + kw * g.DilationWidth;
                                    if (ih < 0 || ih >= g.Height || iw < 0 || iw >= g.Width)
                                        continue;
                                    float xv = x[((n * g.Channels + group * cg + c) * g.Height + ih) * g.Width + iw];
                                    float wv = w[((o * cg + c) * g.KernelHeight + kh) * g.KernelWidth + kw];
                                    sum += (double)xv * wv;
                                }
                        y[((n * g.OutChannels + o) * g.OutHeight + oh) * g.OutWidth + ow] = (float)sum;
                    }
    }
}
