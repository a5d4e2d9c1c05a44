using Explain.Engine.Graph;
using Explain.Engine.Onnx.Proto;
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
        var nodes = backend.Model.Graph.Node.Where(n => n.OpType != "Constant").ToList();
        var values = Shapes(backend.Sessions, backend.Model, shapes);
        var rows = OnnxEdits.FedInputs(backend.Model.Graph).Select(i => (Name: i.Name, Shape: shapes[i.Name], Op: "input")).ToList();
        foreach (var node in nodes)
            foreach (var o in node.Output.Where(o => o.Length > 0 && values.ContainsKey(o)))
                rows.Add((o, values[o], node.OpType));
        int target = -1;
        var pool = nodes.LastOrDefault(n => n.OpType is "GlobalAveragePool" or "GlobalMaxPool");
        if (pool is not null && values.TryGetValue(pool.Input[0], out var pooled) && pooled.Length == 4 && pooled[2] * pooled[3] > 1)
            target = rows.FindIndex(r => r.Name == pool.Input[0] && r.Op != "input");
        if (target < 0)
            target = rows.FindLastIndex(r => r.Shape.Length == 4 && r.Shape[2] * r.Shape[3] > 1 && r.Op != "input" && !NotTargets.Contains(r.Op));
        return rows.Select((r, i) => new TensorInfo(r.Name, r.Shape, r.Op, i == target)).ToList();
    }

    /// <summary>The shape of every node output of <paramref name="model"/> (Constant nodes left out) and of its inputs, run once on zeros of <paramref name="shapes"/>.</summary>
    public static Dictionary<string, int[]> Shapes(OrtSessions sessions, ModelProto model, IReadOnlyDictionary<string, int[]> shapes)
    {
        var graph = model.Graph;
        var names = graph.Node.Where(n => n.OpType != "Constant").SelectMany(n => n.Output).Where(o => o.Length > 0).Distinct().ToList();
        var feeds = OnnxEdits.FedInputs(graph).ToDictionary(i => i.Name, i => i.Type?.TensorType?.ElemType == 7
            ? Tensor.FromInt64(new long[TensorShape.ElementCount(shapes[i.Name])], shapes[i.Name])
            : Tensor.Zeros(shapes[i.Name]));
        // Only the shapes leave the run: every tensor's values at once would be the model's whole activation memory again, in managed arrays.
        Dictionary<string, int[]> values;
        // Bound to the device and read there: a shape is type info, no value is copied to the host.
        using (var session = sessions.Create(OnnxEdits.WithOutputs(model, names)))
        using (var bound = new Feeds(sessions.Memory))
        {
            foreach (var (name, feed) in feeds)
                bound.Add(name, feed);
            values = OrtRuns.RunOnDevice(session, bound, names, (value, _) => Array.ConvertAll(value.GetTensorTypeAndShape().Shape, d => checked((int)d)));
        }
        foreach (var (name, feed) in feeds)
            values.TryAdd(name, feed.Shape);
        return values;
    }
}
