using System.Collections.Concurrent;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;

namespace Explain.Jobs.Admission;

/// <summary>
/// What one pass of a model costs, counted from its ONNX graph once per model: the multiply-adds of
/// its Conv, ConvTranspose, Gemm and MatMul nodes (everything else — activations, pooling,
/// normalization, element-wise arithmetic — is linear in the tensor sizes and small beside them),
/// as FLOPs = 2 × MACs. Conv: |output| × (C_in / group) × kH × kW, read from the weight's shape
/// [M, C_in/group, kH, kW]; ConvTranspose: |input| × (M / group) × kH × kW; Gemm and MatMul:
/// |output| × K, the shared dimension. Shapes come from the planner's description of the graph
/// for the model's declared input (batch 1). A node whose shapes are unknown counts 0.
/// </summary>
public sealed class ModelCost
{
    private readonly Dictionary<string, int[]> _shapes;
    private readonly Dictionary<string, List<int>> _consumers = new(StringComparer.Ordinal);
    private readonly double[] _nodeFlops;
    private readonly ConcurrentDictionary<string, double> _suffix = new(StringComparer.Ordinal);

    public ModelCost(OnnxModel model, IReadOnlyList<TensorInfo> tensors)
    {
        Model = model;
        _shapes = tensors.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Shape, StringComparer.Ordinal);
        foreach (var (name, tensor) in model.Initializers)
            _shapes.TryAdd(name, tensor.Shape);
        _nodeFlops = new double[model.Nodes.Count];
        for (int i = 0; i < model.Nodes.Count; i++)
        {
            var node = model.Nodes[i];
            _nodeFlops[i] = 2 * Macs(node);
            foreach (var input in node.Inputs.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal))
            {
                if (!_consumers.TryGetValue(input, out var list))
                    _consumers[input] = list = [];
                list.Add(i);
            }
        }
        ForwardFlops = _nodeFlops.Sum();
    }

    public OnnxModel Model { get; }

    /// <summary>FLOPs of one forward pass of one image.</summary>
    public double ForwardFlops { get; }

    /// <summary>(H, W) of the model's image input [N, C, H, W] (the first graph input that is not an initializer), null when not fixed.</summary>
    public (int Height, int Width)? InputSize => Model.Inputs.FirstOrDefault(i => !Model.Initializers.ContainsKey(i.Name)) is { Shape: [_, _, > 0 and var h, > 0 and var w] } ? (h, w) : null;

    /// <summary>Channels of a [1, C, h, w] tensor (1 for any other shape or an unknown tensor).</summary>
    public int Channels(string tensor) => _shapes.TryGetValue(tensor, out var s) && s.Length == 4 ? Math.Max(1, s[1]) : 1;

    /// <summary>
    /// FLOPs of the nodes that depend on <paramref name="tensor"/> (its transitive consumers): the
    /// cost of re-running the graph from it (Ablation-CAM), and of one input-side backward pass from
    /// the scores down to it (each op's input gradient costs about what its forward did).
    /// </summary>
    public double SuffixFlops(string tensor) => _suffix.GetOrAdd(tensor, Suffix);

    private double Suffix(string tensor)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<string>([tensor]);
        while (pending.TryPop(out var name))
        {
            if (!_consumers.TryGetValue(name, out var nodes))
                continue;
            foreach (int i in nodes)
                if (seen.Add(i))
                    foreach (var output in Model.Nodes[i].Outputs.Where(o => o.Length > 0))
                        pending.Push(output);
        }
        return seen.Sum(i => _nodeFlops[i]);
    }

    private double Macs(OnnxNode node)
    {
        int[]? Shape(int input) => input < node.Inputs.Length && _shapes.TryGetValue(node.Inputs[input], out var s) ? s : null;
        int[]? output = node.Outputs.Length > 0 && _shapes.TryGetValue(node.Outputs[0], out var o) ? o : null;
        switch (node.OpType)
        {
            case "Conv" when output is not null && Shape(1) is { Length: >= 2 } w:
                return Elements(output) * Elements(w.AsSpan(1));
            case "ConvTranspose" when Shape(0) is { } x && Shape(1) is { Length: >= 2 } w:
                return Elements(x) * Elements(w.AsSpan(1));
            case "Gemm" when output is not null:
                {
                    bool transA = node.Attributes.Int("transA", 0) != 0, transB = node.Attributes.Int("transB", 0) != 0;
                    long k = Shape(0) is { Length: 2 } a ? (transA ? a[0] : a[1]) : Shape(1) is { Length: 2 } b ? (transB ? b[1] : b[0]) : 0;
                    return Elements(output) * (double)k;
                }
            case "MatMul" when output is not null:
                {
                    long k = Shape(0) is { Length: >= 1 } a ? a[^1] : Shape(1) is { Length: >= 2 } b ? b[^2] : Shape(1) is { Length: 1 } v ? v[0] : 0;
                    return Elements(output) * (double)k;
                }
            default:
                return 0;
        }
    }

    private static double Elements(ReadOnlySpan<int> shape)
    {
        double n = 1;
        foreach (int d in shape)
            n *= Math.Max(d, 0);
        return n;
    }
}
