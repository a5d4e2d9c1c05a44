namespace Explain.Engine.Kernels;

/// <summary>
/// One group's input planes seen as the im2col matrix (ColumnRows × OutPlane) without building it:
/// GEMM packs B panels straight from the image (<see cref="Im2ColPacking"/>). Unmanaged so a
/// <see cref="GemmJob"/> can carry it across threads.
/// </summary>
internal unsafe struct Im2ColView
{
    public float* X;
    public int Height, Width, KernelHeight, KernelWidth;
    public int StrideHeight, StrideWidth, DilationHeight, DilationWidth, PadTop, PadLeft, OutWidth;

    public static Im2ColView Create(ConvGeometry g, float* x) => new()
    {
        X = x, Height = g.Height, Width = g.Width, KernelHeight = g.KernelHeight, KernelWidth = g.KernelWidth,
        StrideHeight = g.StrideHeight, StrideWidth = g.StrideWidth, DilationHeight = g.DilationHeight, DilationWidth = g.DilationWidth,
        PadTop = g.PadTop, PadLeft = g.PadLeft, OutWidth = g.OutWidth,
    };
}
