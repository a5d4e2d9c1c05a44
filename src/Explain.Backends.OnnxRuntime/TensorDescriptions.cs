using Explain.Engine.Graph;
using Explain.Engine.Tensors;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Every tensor ONNX Runtime computes, with its shape: one run of a copy that outputs every node's
/// outputs on zero inputs (shapes need no shape-inference rules of our own, so any op ONNX Runtime
/// runs is described). The default Grad-CAM target follows the managed engine's rule (Selvaraju
/// et al. use the last convolutional layer): the input of the last global pooling node, else the
/// last 4-D tensor with a spatial extent above 1×1 that is not a pooling or reshaping result.
/// </summary>
internal static class TensorDescriptions
{
    private static readonly HashSet<string> NotTargets =
        ["GlobalAveragePool", "GlobalMaxPool", "AveragePool", "MaxPool", "Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Identity", "Dropout"];

    public static IReadOnlyList<TensorInfo> Describe(OrtBackend backend, IReadOnlyDictionary<string, int[]> shapes)
    {
        var graph = backend.Model.Graph;
        var nodes = graph.Node.Where(n => n.OpType != "Constant").ToList();
        var names = nodes.SelectMany(n => n.Output).Where(o => o.Length > 0).Distinct().ToList();
        var feeds = OnnxEdits.FedInputs(graph).ToDictionary(i => i.Name, i => i.Type?.TensorType?.ElemType == 7
            ? Tensor.FromInt64(new long[TensorShape.ElementCount(shapes[i.Name])], shapes[i.Name])
            : Tensor.Zeros(shapes[i.Name]));
        Dictionary<string, Tensor> values;
        using (var session = backend.Sessions.Create(OnnxEdits.WithOutputs(backend.Model, names)))
            values = OrtBackend.RunOnce(session, feeds, names);
        var rows = feeds.Select(f => (Name: f.Key, f.Value.Shape, Op: "input")).ToList();
        foreach (var node in nodes)
            foreach (var o in node.Output.Where(o => o.Length > 0 && values.ContainsKey(o)))
                rows.Add((o, values[o].Shape, node.OpType));
        int target = -1;
        var pool = nodes.LastOrDefault(n => n.OpType is "GlobalAveragePool" or "GlobalMaxPool");
        if (pool is not null && values.TryGetValue(pool.Input[0], out var pooled) && pooled.Rank == 4 && pooled.Shape[2] * pooled.Shape[3] > 1)
            target = rows.FindIndex(r => r.Name == pool.Input[0] && r.Op != "input");
        if (target < 0)
            target = rows.FindLastIndex(r => r.Shape.Length == 4 && r.Shape[2] * r.Shape[3] > 1 && r.Op != "input" && !NotTargets.Contains(r.Op));
        return rows.Select((r, i) => new TensorInfo(r.Name, r.Shape, r.Op, i == target)).ToList();
    }
}
