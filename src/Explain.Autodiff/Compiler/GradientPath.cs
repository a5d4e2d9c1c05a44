using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// The differentiable tensors between the observed tensors and the scores: float32 tensors
/// computed at run time that depend on an observed tensor and that the scores depend on. Integer
/// and bool tensors (Shape/Gather/Unsqueeze arithmetic, comparisons, indices) and tensors folded
/// from constants never carry gradients, so ops that only compute them need no rule.
/// </summary>
internal static class GradientPath
{
    public static HashSet<string> Find(GraphProto graph, IReadOnlyList<string> observed, string scores,
        IReadOnlyDictionary<string, int[]> shapes, IReadOnlyDictionary<string, int> types)
    {
        bool Differentiable(string t) => t.Length > 0 && shapes.ContainsKey(t) && types.TryGetValue(t, out int ty) && ty == ElementTypes.Float;

        var after = new HashSet<string>(observed, StringComparer.Ordinal);
        foreach (var node in graph.Node)
            if (node.Input.Any(after.Contains))
                after.UnionWith(node.Output.Where(Differentiable));

        var before = new HashSet<string>(StringComparer.Ordinal) { scores };
        foreach (var node in graph.Node.Reverse())
            if (node.Output.Any(before.Contains))
                before.UnionWith(node.Input.Where(Differentiable));

        after.IntersectWith(before);
        return after;
    }
}
