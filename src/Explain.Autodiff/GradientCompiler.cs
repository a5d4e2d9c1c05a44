using Explain.Autodiff.Compiler;

namespace Explain.Autodiff;

/// <summary>Compiles an ONNX model and a <see cref="GradientRequest"/> into a <see cref="GradientGraph"/>.</summary>
public static class GradientCompiler
{
    /// <summary>
    /// Emits the gradient graph. <paramref name="modelDirectory"/> resolves external initializer data
    /// (which is inlined into the result). Throws <see cref="GradientCompileException"/> for an op
    /// without a gradient rule on the path, <see cref="ArgumentException"/> for unknown or non-float
    /// observed tensors, unknown scores or observed tensors that do not reach the scores.
    /// <paramref name="shapes"/> gives the static shapes (the backend that will run the graph);
    /// null asks the managed engine's planner.
    /// </summary>
    public static GradientGraph Compile(byte[] onnxModel, GradientRequest request, string? modelDirectory = null, TensorShapeProbe? shapes = null)
    {
        ArgumentNullException.ThrowIfNull(onnxModel);
        ArgumentNullException.ThrowIfNull(request);
        return GraphCompilation.Run(onnxModel, request, modelDirectory, shapes);
    }
}
