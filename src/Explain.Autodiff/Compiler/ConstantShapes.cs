using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// Shapes of tensors the engine's planner folded to constants, which rules need when such a
/// tensor is the other operand of a path op (convnext's opset-13 export feeds MatMul a
/// Transpose of a weight). Covers initializers, Constant nodes and the shape-preserving,
/// broadcasting and transposing ops that such weight subgraphs use; others stay unknown.
/// </summary>
internal static class ConstantShapes
{
    private static readonly HashSet<string> SameShape = ["Identity", "Cast", "Neg", "Sqrt", "Reciprocal", "Exp", "Relu", "Sigmoid", "Tanh", "Abs"];
    private static readonly HashSet<string> Broadcast = ["Add", "Sub", "Mul", "Div", "Pow"];

    public static Dictionary<string, int[]> With(GraphProto graph, Dictionary<string, int[]> runtime)
    {
        var shapes = new Dictionary<string, int[]>(runtime, StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
            shapes.TryAdd(init.Name, init.Dims.Select(d => (int)d).ToArray());
        foreach (var node in graph.Node)
        {
            if (node.Output.Count == 0 || node.Output[0].Length == 0 || shapes.ContainsKey(node.Output[0]))
                continue;
            if (Infer(node, shapes) is { } shape)
                shapes[node.Output[0]] = shape;
        }
        return shapes;
    }

    private static int[]? Infer(NodeProto node, Dictionary<string, int[]> shapes)
    {
        int[]? In(int i) => node.Input.Count > i && shapes.TryGetValue(node.Input[i], out var s) ? s : null;
        if (node.OpType == "Constant")
            return node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } t } ? t.Dims.Select(d => (int)d).ToArray() : null;
        if (SameShape.Contains(node.OpType))
            return In(0);
        if (node.OpType == "Transpose" && In(0) is { } x)
        {
            long[] perm = node.Ints("perm") ?? Enumerable.Range(0, x.Length).Reverse().Select(i => (long)i).ToArray();
            return perm.Select(p => x[p]).ToArray();
        }
        if (Broadcast.Contains(node.OpType) && In(0) is { } a && In(1) is { } b)
        {
            int rank = Math.Max(a.Length, b.Length);
            var result = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                int da = i - (rank - a.Length) >= 0 ? a[i - (rank - a.Length)] : 1;
                int db = i - (rank - b.Length) >= 0 ? b[i - (rank - b.Length)] : 1;
                result[i] = Math.Max(da, db);
            }
            return result;
        }
        return null;
    }
}
