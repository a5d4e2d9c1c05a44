using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Attribution;

/// <summary>
/// A point where the network adds a per-channel bias, read from the graph as imported (before any
/// engine fuses BatchNormalization into a convolution): a Conv with a bias input, whose bias is
/// its third input, or a BatchNormalization, whose effective bias is β − μ·γ/√(σ² + ε) (Srinivas &amp;
/// Fleuret 2019, FullGrad, §4; the authors' code and pytorch-grad-cam's FullGrad read it the same
/// way). Gradients are taken at <see cref="Tensor"/>, the node's output, which the backends keep
/// observable, so ∂y/∂b = Σ over positions of ∂y/∂z and FullGrad's term is |b ⊙ ∂y/∂z|.
/// </summary>
public sealed record BiasPoint(string Tensor, string Node, float[] Bias)
{
    /// <summary>Every Conv with a bias and every BatchNormalization of <paramref name="model"/>, in graph order.</summary>
    public static IReadOnlyList<BiasPoint> Find(OnnxModel model)
    {
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (var node in model.Nodes)
            foreach (var output in node.Outputs)
                producers.TryAdd(output, node);
        float[] Constant(OnnxNode node, string name) => BiasPoint.Constant(model, producers, node, name);
        var points = new List<BiasPoint>();
        foreach (var node in model.Nodes)
        {
            if (node.OpType == "Conv" && node.Inputs.Length > 2 && node.Inputs[2].Length > 0)
                points.Add(new BiasPoint(node.Outputs[0], node.DisplayName, Constant(node, node.Inputs[2])));
            else if (node.OpType == "BatchNormalization")
            {
                float eps = node.Attributes.Float("epsilon", 1e-5f);
                var gamma = Constant(node, node.Inputs[1]);
                var beta = Constant(node, node.Inputs[2]);
                var mean = Constant(node, node.Inputs[3]);
                var variance = Constant(node, node.Inputs[4]);
                var bias = new float[beta.Length];
                for (int c = 0; c < bias.Length; c++)
                    bias[c] = (float)(beta[c] - mean[c] * (double)gamma[c] / Math.Sqrt(variance[c] + (double)eps));
                points.Add(new BiasPoint(node.Outputs[0], node.DisplayName, bias));
            }
        }
        if (points.Count == 0)
            throw new ArgumentException("the model has no Conv bias or BatchNormalization to take FullGrad's bias gradients at");
        return points;
    }

    /// <summary>
    /// The float initializer behind <paramref name="name"/>, through Identity nodes: PyTorch's exporter
    /// stores equal parameters once and hands each user an Identity of it (a ResNet's folded BatchNorm
    /// biases, all zero at initialization, become one initializer and dozens of Identities).
    /// </summary>
    private static float[] Constant(OnnxModel model, Dictionary<string, OnnxNode> producers, OnnxNode node, string name)
    {
        string source = name;
        for (int hops = 0; !model.Initializers.ContainsKey(source) && producers.TryGetValue(source, out var producer) && producer.OpType == "Identity" && hops < 64; hops++)
            source = producer.Inputs[0];
        return model.Initializers.TryGetValue(source, out var t) && t.Type == DataType.Float32
            ? t.Floats
            : throw new ArgumentException($"{node.OpType} '{LogText.Of(node.DisplayName)}': its parameter '{LogText.Of(name)}' is not a float initializer; FullGrad reads biases from initializers");
    }
}
