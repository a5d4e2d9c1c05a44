namespace Explain.Engine.Onnx;

/// <summary>One node of an imported graph. Empty input names mark omitted optional inputs, as in ONNX.</summary>
public sealed record OnnxNode(string Name, string OpType, string Domain, string[] Inputs, string[] Outputs, NodeAttributes Attributes)
{
    /// <summary>A name for messages: the node's own, or its first output's when the exporter left it empty.</summary>
    public string DisplayName => Name.Length > 0 ? Name : Outputs.Length > 0 ? Outputs[0] : OpType;
}
