namespace Explain.Engine.Graph;

internal static partial class GraphOptimizer
{
    private static void FoldBatchNorm(ExecutionPlan plan)
    {
    }

    private static void FuseActivations(ExecutionPlan plan)
    {
    }
}
