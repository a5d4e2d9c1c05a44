namespace Explain.Engine.Graph;

/// <summary>
/// Rewrites of a plan that keep every protected tensor (observed, gradient target, graph input or
/// output) exactly as the unoptimized graph computes it.
/// </summary>
internal static partial class GraphOptimizer
{
    private static readonly HashSet<string> PassThrough = ["Identity", "Dropout"];

    public static void Run(ExecutionPlan plan)
    {
        RemovePassThrough(plan);
        FoldBatchNorm(plan);
        FuseActivations(plan);
    }

    /// <summary>Identity and inference-mode Dropout forward their input: readers read the input directly.</summary>
    private static void RemovePassThrough(ExecutionPlan plan)
    {
        var alias = new Dictionary<int, int>();
        plan.Nodes = plan.Nodes.Where(node =>
        {
            bool drop = PassThrough.Contains(node.Source.OpType) && node.Outputs.Length == 1 && node.Inputs.Length >= 1
                && !plan.IsProtected(node.Outputs[0]);
            if (drop)
                alias[node.Outputs[0]] = Resolve(alias, node.Inputs[0]);
            return !drop;
        }).ToList();
        foreach (var node in plan.Nodes)
            node.Inputs = node.Inputs.Select(i => i >= 0 ? Resolve(alias, i) : i).ToArray();
    }

    private static int Resolve(Dictionary<int, int> alias, int id) => alias.TryGetValue(id, out int to) ? to : id;
}
