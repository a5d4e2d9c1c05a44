using Explain.Cam.Attribution;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Evaluation;

/// <summary>
/// The model-parameter randomization of Adebayo et al., "Sanity Checks for Saliency Maps" (NeurIPS
/// 2018, §3.1, cascading randomization from the top layer): the weights of the last
/// <c>layers</c> parameterized layers in topological order (Conv, ConvTranspose, Gemm, MatMul
/// with a constant weight; their constant bias; the scale and shift of a BatchNormalization that
/// reads such a layer's output) are re-drawn as N(0, σ²) with σ the tensor's own root mean square
/// (the paper re-initializes; an RMS-matched Gaussian keeps each layer's scale whatever its
/// initializer was), from the explanation's seed, one stream per tensor. Running statistics stay.
/// </summary>
internal static class ParameterRandomization
{
    private static readonly HashSet<string> Weighted = new(StringComparer.Ordinal) { "Conv", "ConvTranspose", "Gemm", "MatMul" };

    /// <summary>The re-drawn initializers and how many layers they belong to (at most the model's count).</summary>
    public static (Dictionary<string, Tensor> Replaced, int Layers) Draw(OnnxModel graph, int layers, ulong seed)
    {
        var weighted = graph.Nodes.Where(n => Weighted.Contains(n.OpType) && n.Inputs.Length > 1 && IsFloat(graph, n.Inputs[1])).ToList();
        var chosen = weighted.Skip(Math.Max(0, weighted.Count - layers)).ToList();
        var outputs = chosen.SelectMany(n => n.Outputs).ToHashSet(StringComparer.Ordinal);
        var names = chosen.SelectMany(n => n.OpType == "MatMul" ? n.Inputs.Skip(1).Take(1) : n.Inputs.Skip(1).Take(2))
            .Concat(graph.Nodes.Where(n => n.OpType == "BatchNormalization" && outputs.Contains(n.Inputs[0])).SelectMany(n => n.Inputs.Skip(1).Take(2)))
            .Where(name => name.Length > 0 && IsFloat(graph, name)).Distinct().ToList();
        var replaced = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var original = graph.Initializers[name];
            double rms = Math.Sqrt(original.Floats.Sum(v => (double)v * v) / Math.Max(1, original.Length));
            var noise = new SeededNoise(seed, $"sanity/{name}");
            var values = new float[original.Length];
            for (int i = 0; i < values.Length; i++)
                values[i] = (float)(rms * noise.NextNormal());
            replaced[name] = Tensor.FromArray(values, original.Shape);
        }
        return (replaced, chosen.Count);
    }

    private static bool IsFloat(OnnxModel graph, string name) =>
        graph.Initializers.TryGetValue(name, out var t) && t.Type == DataType.Float32;
}
