using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// What a gradient rule sees of one forward node. Gradients are carried with the seed axis K in
/// front of the forward shape: the gradient of a forward tensor of shape S is [K, ...S], so a
/// forward activation of shape S broadcasts against it unchanged (numpy right alignment) and
/// axis a of the forward tensor is axis a + 1 of its gradient.
/// </summary>
internal sealed class RuleContext(NodeProto node, Emitter emitter, IReadOnlyDictionary<string, int[]> shapes,
    Constants constants, GradientMode mode, IReadOnlySet<string> path)
{
    public NodeProto Node { get; } = node;

    public Emitter E { get; } = emitter;

    public Constants Constants { get; } = constants;

    public GradientMode Mode { get; } = mode;

    public int Opset => E.Opset;

    public string NodeName => Node.Name is { Length: > 0 } n ? n : Node.Output.FirstOrDefault() ?? "?";

    public string In(int i) => Node.Input[i];

    public bool HasInput(int i) => Node.Input.Count > i && Node.Input[i].Length > 0;

    public string Out(int i) => Node.Output[i];

    /// <summary>Input i lies on the path from an observed tensor to the scores.</summary>
    public bool Needs(int i) => HasInput(i) && path.Contains(Node.Input[i]);

    public int[] Shape(string tensor) => shapes.TryGetValue(tensor, out var s)
        ? s
        : throw Fail($"no static shape for tensor '{tensor}'");

    public int[] InShape(int i) => Shape(In(i));

    public int[] OutShape(int i) => Shape(Out(i));

    public GradientCompileException Fail(string reason) => new(Node.OpType, NodeName, Opset, reason);

    /// <summary>Fails unless only the listed inputs need gradients (weights, indices and bounds are constants).</summary>
    public void OnlyThrough(params int[] inputs)
    {
        for (int i = 0; i < Node.Input.Count; i++)
            if (Needs(i) && !inputs.Contains(i))
                throw Fail($"input {i} ('{In(i)}') depends on an observed tensor; the rule differentiates only input(s) {string.Join(", ", inputs)}");
    }

    /// <summary>
    /// Sums a gradient of forward shape <paramref name="from"/> back to the shape <paramref name="to"/>
    /// it was broadcast from (numpy broadcasting, ONNX Broadcasting.md): over leading axes and axes of size 1.
    /// </summary>
    public string ReduceTo(string gradient, int[] from, int[] to)
    {
        int lead = from.Length - to.Length;
        var axes = new List<long>();
        for (int i = 0; i < from.Length; i++)
            if (i < lead || (to[i - lead] == 1 && from[i] != 1))
                axes.Add(i + 1);
        if (axes.Count == 0)
            return lead == 0 ? gradient : E.ReshapeK(gradient, to);
        return E.ReshapeK(E.Reduce("ReduceSum", gradient, axes, keepDims: true), to);
    }

    /// <summary>Forward axis (negative counts from the end) to its gradient axis.</summary>
    public static long GradAxis(long axis, int rank) => (axis < 0 ? axis + rank : axis) + 1;
}
