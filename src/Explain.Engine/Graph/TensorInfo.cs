namespace Explain.Engine.Graph;

/// <summary>A tensor of a planned graph that can be observed: its name, shape and the op producing it.</summary>
public sealed record TensorInfo(string Name, int[] Shape, string Producer, bool IsDefaultTarget);
