using Explain.Engine.Errors;
using Explain.Engine.Onnx;

namespace Explain.Cam.Attribution;

/// <summary>
/// A GAP → FC classifier head read from the graph: the layer feeds GlobalAveragePool (or ReduceMean
/// over H, W), then only reshaping nodes (Flatten, Reshape, Squeeze, Identity, Dropout), then a
/// Gemm or MatMul with constant weights whose output reaches the scores through bias adds and
/// reshaping only. <see cref="Weight"/>(c, k) = the weight of channel k in class c's score,
/// <see cref="Bias"/>(c) its constant term (Gemm's β C plus constant Adds on the way to the scores).
/// </summary>
internal sealed class ClassifierHead
{
    private static readonly HashSet<string> Reshaping = ["Flatten", "Reshape", "Squeeze", "Identity", "Dropout"];

    private readonly float[] _weights;
    private readonly bool _classMajor;
    private readonly double[] _bias;

    private ClassifierHead(float[] weights, int classes, int channels, bool classMajor, float alpha, double[] bias)
    {
        _weights = weights;
        _bias = bias;
        Classes = classes;
        Channels = channels;
        _classMajor = classMajor;
        Alpha = alpha;
    }

    public int Classes { get; }

    public int Channels { get; }

    private float Alpha { get; }

    public float Weight(int c, int k) => Alpha * (_classMajor ? _weights[c * Channels + k] : _weights[k * Classes + c]);

    public double Bias(int c) => _bias[c];

    /// <summary>The scores the head gives a pooled feature vector (length <see cref="Channels"/>): Σ_k w_ck f_k + b_c.</summary>
    public double[] Scores(ReadOnlySpan<double> features)
    {
        var scores = new double[Classes];
        for (int c = 0; c < Classes; c++)
        {
            double s = _bias[c];
            for (int k = 0; k < Channels; k++) s += Weight(c, k) * features[k];
            scores[c] = s;
        }
        return scores;
    }

    /// <summary>The head after <paramref name="layer"/>, or null with the reason (DFF then labels its concepts without classes).</summary>
    public static ClassifierHead? TryFind(OnnxModel model, string layer, string scores, out string? why)
    {
        try
        {
            why = null;
            return Find(model, layer, scores);
        }
        catch (ArgumentException e)
        {
            why = e.Message;
            return null;
        }
    }

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
        int channels = classMajor ? w.Shape[1] : w.Shape[0], classes = classMajor ? w.Shape[0] : w.Shape[1];
        var bias = new double[classes];
        if (node.OpType == "Gemm" && node.Inputs.Length > 2 && node.Inputs[2].Length > 0)
            AddConstant(model, layer, node.Inputs[2], node.Attributes.Float("beta", 1f), bias);
        var output = node.Outputs[0];
        while (output != scores)
        {
            string input = output;
            var after = Next(model, output, out output);
            if (after is null || after.OpType is not ("Add" or "Flatten" or "Reshape" or "Squeeze" or "Identity"))
                throw Unsupported(layer, $"the classifier's output reaches the scores '{LogText.Of(scores)}' through {Describe(after)}");
            if (after.OpType == "Add")
                AddConstant(model, layer, after.Inputs[0] == input ? after.Inputs[1] : after.Inputs[0], 1f, bias);
        }
        return new ClassifierHead(w.Floats, classes, channels, classMajor, alpha, bias);
    }

    /// <summary>Adds scale × a constant bias (one value, or one per class) to <paramref name="bias"/>.</summary>
    private static void AddConstant(OnnxModel model, string layer, string name, float scale, double[] bias)
    {
        if (!model.Initializers.TryGetValue(name, out var constant) || (constant.Length != 1 && constant.Length != bias.Length))
            throw Unsupported(layer, $"the classifier adds '{LogText.Of(name)}', which is not a constant of one value or one per class");
        var values = constant.Floats;
        for (int c = 0; c < bias.Length; c++)
            bias[c] += scale * (double)values[values.Length == 1 ? 0 : c];
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
