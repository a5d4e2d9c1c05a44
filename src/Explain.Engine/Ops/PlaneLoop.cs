namespace Explain.Engine.Ops;

// Runs independent per-plane (N·C) work in parallel when it is big enough to pay for threads.
internal static class PlaneLoop
{
    private const long MinParallelWork = 1 << 15;

    public static void For(OpContext context, int planes, long workPerPlane, Action<int> body)
    {
        if (context.Threads > 1 && planes > 1 && planes * workPerPlane >= MinParallelWork)
            Parallel.For(0, planes, context.Parallel, body);
        else
            for (int p = 0; p < planes; p++)
                body(p);
    }
}
