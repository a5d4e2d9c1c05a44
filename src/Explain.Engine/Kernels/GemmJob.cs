namespace Explain.Engine.Kernels;

/// <summary>
/// One C (+)= A·B with A already packed: the BLIS loop nest over a rectangle of C. Each call packs
/// its own B blocks into a thread-local buffer, so parts of C run in parallel without sharing.
/// </summary>
internal unsafe struct GemmJob
{
    public int M, N, K;
    public float* PackedA;
    public float* B;
    public nint BRowStride, BColStride;
    public float* C;
    public nint Ldc;
    public float* Bias;
    public Im2ColView Lowered;
    public bool IsLowered;
    public bool Accumulate, Clamp;
    public float Min, Max;

    /// <summary>Computes rows [m0, m1) × columns [n0, n1) of C; m0 is a multiple of Mr.</summary>
    public readonly void Run(int m0, int m1, int n0, int n1)
    {
        int mr = GemmBlocking.Mr, nr = GemmBlocking.Nr;
        int mPad = GemmBlocking.RoundUp(M, mr);
        float* packedB = GemmBuffers.PackedB();
        float* tile = stackalloc float[mr * nr];
        float* tileBias = stackalloc float[mr];
        for (int jc = n0; jc < n1; jc += GemmBlocking.Nc)
        {
            int nc = Math.Min(GemmBlocking.Nc, n1 - jc);
            for (int pc = 0; pc < K; pc += GemmBlocking.Kc)
            {
                int kc = Math.Min(GemmBlocking.Kc, K - pc);
                if (IsLowered)
                    Im2ColPacking.PackB(Lowered, pc, kc, jc, nc, packedB);
                else
                    GemmPacking.PackB(B + pc * BRowStride + jc * BColStride, BRowStride, BColStride, kc, nc, packedB);
                bool first = pc == 0, last = pc + kc >= K;
                bool load = !first || Accumulate, clamp = last && Clamp;
                float* aBlock = PackedA + (nint)pc * mPad;
                for (int ic = m0; ic < m1; ic += GemmBlocking.Mc)
                {
                    int mc = Math.Min(GemmBlocking.Mc, m1 - ic);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        float* bPanel = packedB + (nint)jr * kc;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int i = ic + ir, rows = Math.Min(mr, mc - ir);
                            float* aPanel = aBlock + (nint)(i / mr) * mr * kc;
                            float* c = C + i * Ldc + jc + jr;
                            float* bias = first && Bias != null ? Bias + i : null;
                            if (rows == mr && cols == nr)
                            {
                                GemmMicroKernels.Run(aPanel, bPanel, kc, c, Ldc, bias, load, clamp, Min, Max);
                                continue;
                            }
                            // Edge tile: compute a full tile in scratch and copy the valid part.
                            if (bias != null)
                            {
                                for (int r = 0; r < mr; r++)
                                    tileBias[r] = r < rows ? bias[r] : 0f;
                                bias = tileBias;
                            }
                            for (int r = 0; r < rows && load; r++)
                                for (int j = 0; j < cols; j++)
                                    tile[r * nr + j] = c[r * Ldc + j];
                            GemmMicroKernels.Run(aPanel, bPanel, kc, tile, nr, bias, load, clamp, Min, Max);
                            for (int r = 0; r < rows; r++)
                                for (int j = 0; j < cols; j++)
                                    c[r * Ldc + j] = tile[r * nr + j];
                        }
                    }
                }
            }
        }
    }
}
