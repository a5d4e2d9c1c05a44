namespace Explain.Autodiff;

/// <summary>
/// The static shape of every tensor a model computes when its inputs have <paramref name="inputShapes"/>
/// (the inputs included; Constant node outputs may be left out): what an execution backend learns from
/// one run of the model on zeros, with every tensor as an output. The compiler asks it once per
/// compilation; without one it asks the managed engine's planner, which cannot plan every model
/// (Equal/Where/bool shape arithmetic in ViT and Swin exports).
/// </summary>
public delegate IReadOnlyDictionary<string, int[]> TensorShapeProbe(IReadOnlyDictionary<string, int[]> inputShapes);
