using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

public sealed partial class Session
{
    private static readonly HashSet<string> NotTargets =
        ["GlobalAveragePool", "GlobalMaxPool", "AveragePool", "MaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Dropout"];

    /// <summary>
    /// Every tensor computed at run time (the ones that can be observed), in execution order, with
    /// shapes for the planned input shapes. The default Grad-CAM target is the feature map the
    /// classifier head pools: the input of the last global pooling node, or else the last 4-D
    /// activation with a spatial extent above 1×1 that is not itself a pooling or reshaping result
    /// (Selvaraju et al. use the last convolutional layer).
    /// </summary>
    public IReadOnlyList<TensorInfo> DescribeTensors()
    {
        var plan = _plan ??= Planner.Build(_model, PlanningInputs(_options.InputShapes ?? DeclaredShapes()), _options);
        var rows = new List<(string Name, int[] Shape, string Op)>();
        foreach (int id in plan.InputIds)
            rows.Add((plan.Names[id], plan.Shapes[id]!, "input"));
        foreach (var node in plan.Nodes)
            foreach (int o in node.Outputs.Where(o => o >= 0))
                rows.Add((plan.Names[o], plan.Shapes[o]!, node.Source.OpType));
        int target = -1;
        var pool = plan.Nodes.LastOrDefault(n => n.Source.OpType is "GlobalAveragePool" or "GlobalMaxPool");
        if (pool is not null && plan.Shapes[pool.Inputs[0]] is { Length: 4 } pooled && pooled[2] * pooled[3] > 1)
            target = rows.FindIndex(r => r.Name == plan.Names[pool.Inputs[0]] && r.Op != "input");
        if (target < 0)
            target = rows.FindLastIndex(r => r.Shape.Length == 4 && r.Shape[2] * r.Shape[3] > 1 && r.Op != "input" && !NotTargets.Contains(r.Op));
        return rows.Select((r, i) => new TensorInfo(r.Name, r.Shape, r.Op, i == target)).ToList();
    }

    /// <summary>The default Grad-CAM target layer's tensor name, or null when the model has no 4-D activation.</summary>
    public string? DefaultTargetLayer() => DescribeTensors().FirstOrDefault(t => t.IsDefaultTarget)?.Name;

    private Dictionary<string, int[]> DeclaredShapes() => _model.Inputs.ToDictionary(i => i.Name, i =>
    {
        var s = (int[])i.Shape.Clone();
        if (s.Length > 0 && s[0] < 0)
            s[0] = 1;
        if (s.Any(d => d < 0))
            throw new InputException($"input '{i.Name}' has symbolic dimensions {TensorShape.Format(i.Shape)}; give InputShapes");
        return s;
    });
}
