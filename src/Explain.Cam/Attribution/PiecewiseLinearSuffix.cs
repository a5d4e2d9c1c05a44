using Explain.Engine.Errors;
using Explain.Engine.Onnx;

namespace Explain.Cam.Attribution;

/// <summary>
/// Whether the scores are piecewise linear in a tensor: every node downstream of it is one whose
/// output is piecewise linear in its inputs (ReLU, Clip, max/average pooling, Conv, BatchNorm, Gemm,
/// sums, reshaping), and Mul/Div/MatMul have at most one operand that depends on the tensor. Then
/// the network's own Hessian ∂²y/∂A² is zero almost everywhere, which ShapleyCAM's Hessian term relies on.
/// </summary>
internal static class PiecewiseLinearSuffix
{
    private static readonly HashSet<string> Linear =
    [
        "Relu", "Clip", "LeakyRelu", "PRelu", "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax",
        "Conv", "ConvTranspose", "BatchNormalization", "Gemm", "Add", "Sub", "Neg", "Flatten", "Reshape", "Squeeze", "Unsqueeze",
        "Concat", "Identity", "Dropout", "Transpose", "Pad", "Slice", "Split", "Gather", "Shape", "Cast", "Resize", "Upsample", "Max", "Min",
    ];

    private static readonly HashSet<string> Bilinear = ["Mul", "Div", "MatMul"];

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first node after <paramref name="layer"/> that has curvature.</summary>
    public static void Require(OnnxModel model, string layer, string scores, string method)
    {
        // Only nodes between the layer and the scores matter (not, e.g., a Softmax beside the logits).
        var needed = new HashSet<string>(StringComparer.Ordinal) { scores };
        foreach (var node in model.Nodes.Reverse())
            if (node.Outputs.Any(needed.Contains))
                needed.UnionWith(node.Inputs);
        var dependent = new HashSet<string>(StringComparer.Ordinal) { layer };
        foreach (var node in model.Nodes)
        {
            int onPath = node.Inputs.Count(dependent.Contains);
            if (onPath == 0 || !node.Outputs.Any(needed.Contains))
                continue;
            bool ok = Linear.Contains(node.OpType) || Bilinear.Contains(node.OpType) && onPath == 1 && (node.OpType != "Div" || !dependent.Contains(node.Inputs[1]));
            if (!ok)
                throw new ArgumentException($"{method}: after layer '{LogText.Of(layer)}' the network has curvature ({node.OpType} '{LogText.Of(node.DisplayName)}'); "
                    + "its Hessian term is exact only for a piecewise-linear network after the layer (ReLU/ReLU6, pooling, Conv, BatchNorm, Gemm, sums); choose a later layer");
            foreach (var output in node.Outputs)
                dependent.Add(output);
        }
    }
}
