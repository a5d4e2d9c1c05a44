using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

/// <summary>
/// Specialises a model to input shapes. One evaluation pass over the graph (on the caller's inputs)
/// records every tensor's shape and folds to constants every node whose inputs are all known at
/// plan time — initializers, Constant nodes and Shape/Size of tensors whose shape is now fixed — so
/// shape-arithmetic subgraphs (Shape → Gather → Unsqueeze → Concat → Reshape) disappear.
/// </summary>
internal static class Planner
{
    private static readonly HashSet<string> ShapeReaders = ["Shape", "Size"];

    public static ExecutionPlan Build(OnnxModel model, IReadOnlyDictionary<string, Tensor> inputs, SessionOptions options)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string name) => ids.TryGetValue(name, out int id) ? id : ids[name] = ids.Count;
        foreach (var name in model.Initializers.Keys) Id(name);
        foreach (var input in model.Inputs) Id(input.Name);
        foreach (var node in model.Nodes)
            foreach (var o in node.Outputs.Where(o => o.Length > 0)) Id(o);

        foreach (var name in options.Observe.Concat(options.ResumeFrom))
            if (!ids.ContainsKey(name))
                throw new InputException($"no tensor named '{LogText.Of(name)}' in the model (list them with `explain layers`)");

        int count = ids.Count;
        var values = new Tensor?[count];
        var isStatic = new bool[count];
        var shapes = new int[]?[count];
        foreach (var (name, t) in model.Initializers)
        {
            values[ids[name]] = t;
            isStatic[ids[name]] = true;
            shapes[ids[name]] = t.Shape;
        }
        foreach (var input in model.Inputs)
        {
            values[ids[input.Name]] = inputs[input.Name];
            shapes[ids[input.Name]] = inputs[input.Name].Shape;
        }

        var context = new OpContext { Threads = options.Threads };
        var runtime = new List<PlanNode>();
        foreach (var node in model.Nodes)
        {
            var op = BuildOp(node, model.Opset);
            int[] inIds = TrimOmitted(node.Inputs).Select(n => n.Length == 0 ? -1 : ids[n]).ToArray();
            int[] outIds = node.Outputs.Select(n => n.Length == 0 ? -1 : ids[n]).ToArray();
            var args = inIds.Select(i => i < 0 ? null! : values[i]!).ToArray();
            var results = Session.Execute(node, op, context, args);
            bool foldable = ShapeReaders.Contains(node.OpType) || inIds.All(i => i < 0 || isStatic[i]);
            for (int k = 0; k < outIds.Length && k < results.Length; k++)
            {
                if (outIds[k] < 0) continue;
                values[outIds[k]] = results[k];
                shapes[outIds[k]] = results[k].Shape;
                isStatic[outIds[k]] = foldable;
            }
            if (!foldable)
                runtime.Add(new PlanNode(node, op, inIds, outIds));
        }

        var constants = new Tensor?[count];
        for (int i = 0; i < count; i++)
            if (isStatic[i])
                constants[i] = values[i];

        var observed = options.Observe.Select(n => ids[n]).ToHashSet();
        var inputIds = model.Inputs.Select(i => ids[i.Name]).ToArray();
        var targets = new HashSet<int>();
        if (options.Gradients) targets.UnionWith(observed.Where(i => !isStatic[i]));
        if (options.InputGradients) targets.UnionWith(inputIds);

        var plan = new ExecutionPlan
        {
            Names = ids.OrderBy(p => p.Value).Select(p => p.Key).ToArray(),
            Ids = ids,
            Constants = constants,
            Shapes = shapes,
            Nodes = runtime,
            InputIds = inputIds,
            OutputIds = model.Outputs.Select(o => ids[o.Name]).ToArray(),
            Observed = observed,
            GradientTargets = targets,
            Derived = model.Derived,
        };
        foreach (var name in options.ResumeFrom)
            plan.Resume[ids[name]] = new ResumePoint([], []);
        if (options.Optimize)
            GraphOptimizer.Run(plan);
        foreach (int id in plan.Resume.Keys.ToList())
            plan.Resume[id] = plan.ResumePointOf(id);
        MarkGradientPaths(plan);
        plan.ComputeLastUse();
        return plan;
    }

    private static Op BuildOp(OnnxNode node, int opset)
    {
        try
        {
            var op = OnnxOps.Build(node.OpType, node.Attributes, opset);
            op.Name = node.DisplayName;
            return op;
        }
        catch (EngineException e)
        {
            e.Node ??= node.DisplayName;
            throw;
        }
    }

    private static string[] TrimOmitted(string[] inputs)
    {
        int n = inputs.Length;
        while (n > 0 && inputs[n - 1].Length == 0) n--;
        return inputs[..n];
    }

    /// <summary>Forward propagation of "depends on a gradient target" decides which nodes backward visits.</summary>
    private static void MarkGradientPaths(ExecutionPlan plan)
    {
        var requires = new bool[plan.Names.Length];
        foreach (int t in plan.GradientTargets)
            requires[t] = true;
        foreach (var node in plan.Nodes)
        {
            var needs = node.Inputs.Select(i => i >= 0 && requires[i]).ToArray();
            node.Op.NeedsInputGradient = needs;
            node.NeedsBackward = node.Op.IsDifferentiable && needs.Any(x => x);
            if (node.NeedsBackward)
                foreach (int o in node.Outputs.Where(o => o >= 0))
                    requires[o] = true;
        }
    }
}
