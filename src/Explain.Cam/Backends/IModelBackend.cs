using Explain.Engine.Graph;
using Explain.Engine.Tensors;

namespace Explain.Cam.Backends;

/// <summary>
/// One loaded model on one execution backend: every pass the CAM methods make goes through it.
/// Sessions behind it are cached per request shape and released by <see cref="IDisposable.Dispose"/>.
/// Not thread-safe, like the explainer that owns it.
/// </summary>
public interface IModelBackend : IDisposable
{
    /// <summary>The backend and device, as result.json reports them ("ort cpu", "managed").</summary>
    string Name { get; }

    /// <summary>Opset version of the model's default ONNX domain.</summary>
    int Opset { get; }

    /// <summary>The model's producer name and version.</summary>
    string Producer { get; }

    /// <summary>The graph inputs the caller feeds, in order.</summary>
    IReadOnlyList<string> InputNames { get; }

    IReadOnlyList<string> OutputNames { get; }

    /// <summary>
    /// The graph as imported (nodes and initializers, before any backend optimization folds or fuses
    /// them), for methods that read parameters: FullGrad's biases, CAM's classifier head. Loaded on first use.
    /// </summary>
    Explain.Engine.Onnx.OnnxModel Graph { get; }

    /// <summary>Every tensor computed at run time, in execution order, with shapes for <paramref name="inputShapes"/> (default: the declared shapes, batch 1); the default Grad-CAM target marked.</summary>
    IReadOnlyList<TensorInfo> DescribeTensors(IReadOnlyDictionary<string, int[]>? inputShapes = null);

    /// <summary>Runs the model on its image input (any batch) and <see cref="ExtraInputs"/> with <paramref name="request"/>'s tensors observed.</summary>
    ForwardPass Forward(Tensor input, PassRequest request);

    /// <summary>
    /// The output <paramref name="output"/> for each row of <paramref name="replacement"/> [N, ...] put in place of
    /// <paramref name="tensor"/>, the rest of <paramref name="input"/>'s forward pass unchanged: only the layers after
    /// the tensor run (Ablation-CAM).
    /// </summary>
    Tensor RunFrom(Tensor input, string tensor, Tensor replacement, string output);

    /// <summary>
    /// A new backend of the same kind, device and threads running this model with the float
    /// initializers named in <paramref name="replaced"/> replaced (same shapes): the sanity check's
    /// model with re-drawn parameters (Adebayo et al. 2018). The caller disposes it.
    /// </summary>
    IModelBackend WithInitializers(IReadOnlyDictionary<string, Tensor> replaced);

    /// <summary>
    /// Stops the passes that follow, and the one in progress within one operator (the managed engine
    /// checks before every operator; ONNX Runtime terminates the run); a stopped pass throws
    /// <see cref="OperationCanceledException"/>. The explainer sets it for the duration of one call,
    /// on the thread that makes the passes.
    /// </summary>
    CancellationToken Cancellation { get; set; }

    /// <summary>The model's inputs other than the first (token ids, a question, a second image), by ONNX name, fed to every pass
    /// this backend makes (forward, gradient, suffix, perturbation batches); a value whose batch axis is 1 is repeated to the pass's
    /// batch, a value whose batch equals the pass's batch is fed as is. Empty by default. The explainer sets it for one call, like Cancellation.</summary>
    IReadOnlyDictionary<string, Tensor> ExtraInputs { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the input when <paramref name="extras"/> would not feed the model's inputs after the image (<see cref="ExtraInputFeeds.Check"/>).</summary>
    void CheckExtraInputs(IReadOnlyDictionary<string, Tensor> extras);
}
