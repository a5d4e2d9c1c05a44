namespace Explain.Engine.Onnx;

/// <summary>A graph input or output: its name and declared shape (-1 where the model leaves a dimension symbolic).</summary>
public sealed record ValueInfo(string Name, int[] Shape, string ElementType)
{
    public override string ToString() => $"{Name} {Tensors.TensorShape.Format(Shape)} {ElementType}";
}
