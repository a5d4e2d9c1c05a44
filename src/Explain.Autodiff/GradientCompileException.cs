namespace Explain.Autodiff;

/// <summary>
/// The gradient graph cannot be compiled: an op on the path from an observed tensor to the scores
/// has no gradient rule (or an attribute value the rule does not support). Names the op type,
/// the node and the opset, also as properties.
/// </summary>
public sealed class GradientCompileException : Exception
{
    public GradientCompileException(string opType, string nodeName, int opset, string reason)
        : base($"no gradient for {opType} node '{nodeName}' (opset {opset}): {reason}")
    {
        OpType = opType;
        NodeName = nodeName;
        Opset = opset;
    }

    /// <summary>The ONNX op type of the offending node.</summary>
    public string OpType { get; }

    /// <summary>The node's name (its first output's name when the node is unnamed).</summary>
    public string NodeName { get; }

    /// <summary>The model's default-domain opset.</summary>
    public int Opset { get; }
}
