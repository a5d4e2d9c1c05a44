using Explain.Engine.Errors;
using Explain.Engine.Onnx;

namespace Explain.Cam.Attribution;

/// <summary>
/// A GAP → FC classifier head read from the graph: the layer feeds GlobalAveragePool (or ReduceMean
/// over H, W), then only reshaping nodes (Flatten, Reshape, Squeeze, Identity, Dropout), then a
/// Gemm or MatMul with constant weights whose output reaches the scores through bias adds and
/// reshaping only. <see cref="Weight"/>(c, k) = the weight of channel k in class c's score.
/// </summary>
internal sealed class ClassifierHead
{
    private static readonly HashSet<string> Reshaping = ["Flatten", "Reshape", "Squeeze", "Identity", "Dropout"];

    private readonly float[] _weights;
    private readonly bool _classMajor;

    private ClassifierHead(float[] weights, int classes, int channels, bool classMajor, float alpha)
    {
        _weights = weights;
        Classes = classes;
        Channels = channels;
        _classMajor = classMajor;
        Alpha = alpha;
    }

    public int Classes { get; }

    public int Channels { get; }

    private float Alpha { get; }

    public float Weight(int c, int k) => Alpha * (_classMajor ? _weights[c * Channels + k] : _weights[k * Classes + c]);

    public static ClassifierHead Find(OnnxModel model, string layer, string scores)
    {
        var pool = Next(model, layer, out var tensor);
        if (pool is null || !IsGlobalAverage(pool))
            throw Unsupported(layer, $"it feeds {Describe(pool)}, not GlobalAveragePool");
        var node = Next(model, tensor, out tensor);
        while (node is not null && Reshaping.Contains(node.OpType))
            node = Next(model, tensor, out tensor);
        if (node is null || node.OpType is not ("Gemm" or "MatMul") || !model.Initializers.TryGetValue(node.Inputs[1], out var w) || w.Rank != 2)
            throw Unsupported(layer, $"after the pooling comes {Describe(node)}, not a Gemm/MatMul with constant weights");
        if (node.OpType == "Gemm" && node.Attributes.Int("transA", 0) != 0)
            throw Unsupported(layer, $"its Gemm '{LogText.Of(node.DisplayName)}' transposes its input");
        bool classMajor = node.OpType == "Gemm" && node.Attributes.Int("transB", 0) != 0;
        float alpha = node.OpType == "Gemm" ? node.Attributes.Float("alpha", 1f) : 1f;
        var output = node.Outputs[0];
        while (output != scores)
        {
            var after = Next(model, output, out output);
            if (after is null || after.OpType is not ("Add" or "Flatten" or "Reshape" or "Squeeze" or "Identity"))
                throw Unsupported(layer, $"the classifier's output reaches the scores '{LogText.Of(scores)}' through {Describe(after)}");
        }
        int channels = classMajor ? w.Shape[1] : w.Shape[0], classes = classMajor ? w.Shape[0] : w.Shape[1];
        return new ClassifierHead(w.Floats, classes, channels, classMajor, alpha);
    }

    private static bool IsGlobalAverage(OnnxNode node) => node.OpType == "GlobalAveragePool"
        || node.OpType == "ReduceMean" && node.Attributes.Ints("axes") is { } axes && axes.Order().SequenceEqual([2L, 3L]);

    /// <summary>The single consumer of <paramref name="tensor"/> (null when none or several) and its output.</summary>
    private static OnnxNode? Next(OnnxModel model, string tensor, out string output)
    {
        var consumers = model.Nodes.Where(n => n.Inputs.Contains(tensor)).ToList();
        output = consumers.Count == 1 ? consumers[0].Outputs[0] : "";
        return consumers.Count == 1 ? consumers[0] : null;
    }

    private static string Describe(OnnxNode? node) => node is null ? "no single node" : $"{node.OpType} '{LogText.Of(node.DisplayName)}'";

    private static ArgumentException Unsupported(string layer, string why) =>
        new($"cam needs a GAP → FC head right after the layer (Zhou et al. 2016); layer '{LogText.Of(layer)}' does not have one: {why}");
}
