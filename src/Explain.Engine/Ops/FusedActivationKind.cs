namespace Explain.Engine.Ops;

/// <summary>The rectifier a planner folded into a Conv or Gemm.</summary>
public enum FusedActivationKind
{
    None,
    Relu,
    Clip,
}
