using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Backends.OnnxRuntime;

/// <summary>A forward pass on ONNX Runtime; its gradients run the compiled gradient graph from the observed layers (or from the same input).</summary>
internal sealed class OrtPass(OrtGradients gradients, Tensor input, IReadOnlyDictionary<string, Tensor> outputs, IReadOnlyDictionary<string, Tensor> observed)
    : ForwardPass(outputs, observed)
{
    public override IReadOnlyDictionary<string, Tensor> Gradients(string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at) =>
        gradients.Run(input, Observed, output, seeds, mode, at);
}
