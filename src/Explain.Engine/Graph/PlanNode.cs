using Explain.Engine.Onnx;
using Explain.Engine.Ops;

namespace Explain.Engine.Graph;

/// <summary>A node that runs at execution time: its op and tensor ids (-1 for an omitted optional input).</summary>
internal sealed class PlanNode(OnnxNode source, Op op, int[] inputs, int[] outputs)
{
    public OnnxNode Source { get; } = source;

    public Op Op { get; set; } = op;

    public int[] Inputs { get; set; } = inputs;

    public int[] Outputs { get; set; } = outputs;

    /// <summary>Set when some input lies on a path from a gradient target, so backward visits this node.</summary>
    public bool NeedsBackward { get; set; }

    public string Name => Source.DisplayName;
}
