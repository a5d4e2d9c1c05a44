namespace Explain.Engine.Kernels;

/// <summary>
/// Splits C into one rectangle per thread. Splitting columns lets each thread pack only its own B;
/// splitting rows makes every thread pack all of B, which costs about as much as 8 more rows of
/// compute, so rows are split only when columns would leave threads idle (N = 49 on ResNet's last stage).
/// </summary>
internal static class GemmPartition
{
    public static void Execute(GemmJob job, ParallelOptions? parallel)
    {
        int threads = parallel is null ? 1 : parallel.MaxDegreeOfParallelism < 1 ? Environment.ProcessorCount : parallel.MaxDegreeOfParallelism;
        double flops = 2.0 * job.M * job.N * job.K;
        if (threads <= 1 || flops < GemmBlocking.ParallelThreshold)
        {
            job.Run(0, job.M, 0, job.N);
            return;
        }

        int mr = GemmBlocking.Mr, nr = GemmBlocking.Nr;
        int panelsM = (job.M + mr - 1) / mr, panelsN = (job.N + nr - 1) / nr;
        double costSplitN = (double)CeilDiv(panelsN, threads) * nr * job.M;
        double costSplitM = (CeilDiv(panelsM, threads) * (double)mr + 8) * job.N;
        bool splitN = costSplitN <= costSplitM;
        int panels = splitN ? panelsN : panelsM;
        int parts = Math.Min(threads, panels);
        Parallel.For(0, parts, parallel!, part =>
        {
            int first = (int)((long)panels * part / parts), end = (int)((long)panels * (part + 1) / parts);
            if (splitN)
                job.Run(0, job.M, first * nr, Math.Min(job.N, end * nr));
            else
                job.Run(first * mr, Math.Min(job.M, end * mr), 0, job.N);
        });
    }

    private static int CeilDiv(int a, int b) => (a + b - 1) / b;
}
