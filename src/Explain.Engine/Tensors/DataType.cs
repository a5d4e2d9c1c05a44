namespace Explain.Engine.Tensors;

/// <summary>Element types the engine computes in. Integer tensors exist for shape arithmetic and indices.</summary>
public enum DataType
{
    Float32,
    Int64,
}
