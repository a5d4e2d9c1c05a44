namespace Explain.Engine.Ops;

/// <summary>
/// The ONNX pooling attributes (MaxPool, AveragePool) for one or two spatial axes. Pads are
/// [x1_begin, x2_begin, x1_end, x2_end] as in the spec.
/// </summary>
public sealed record PoolSettings(long[] KernelShape, long[] Strides, long[] Pads, long[] Dilations, string AutoPad, bool CeilMode);
