using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// A forward pass on ONNX Runtime; its gradients run the compiled gradient graph from the observed layers (or
/// from the same input). It owns the device values its gradients feed on: the observed tensors as the forward
/// session left them, and (when gradients were asked) the input copied to the device once. The backend keeps
/// a bounded number of passes' device values (<see cref="OrtBackend.MaxDevicePasses"/>) and evicts the oldest:
/// an evicted pass stays usable, its values on the host. Disposal releases the device values; a value read
/// before stays readable, an unread one throws.
/// </summary>
internal sealed class OrtPass : ForwardPass, IDisposable
{
    private readonly OrtBackend _backend;
    private bool _disposed;

    public OrtPass(OrtBackend backend, PassValue input, IReadOnlyDictionary<string, Tensor> outputs, IReadOnlyDictionary<string, PassValue> values,
        IReadOnlyDictionary<string, Tensor> extras)
        : base(outputs, new HostView(values))
    {
        _backend = backend;
        Input = input;
        Values = values;
        Extras = extras;
    }

    /// <summary>The extra inputs this pass ran on (<see cref="OrtBackend.ExtraInputs"/> when it was made): its gradient runs are fed them again.</summary>
    public IReadOnlyDictionary<string, Tensor> Extras { get; }

    /// <summary>The input, on the device when the pass was asked for gradients.</summary>
    public PassValue Input { get; }

    /// <summary>The observed tensors (the input too when observed), where they lie.</summary>
    public IReadOnlyDictionary<string, PassValue> Values { get; }

    /// <summary>Whether any value is on the device: what the backend's cache bounds.</summary>
    public bool HoldsDeviceValues => Input.OnDevice || Values.Values.Any(v => v.OnDevice);

    public override IReadOnlyDictionary<string, Tensor> Gradients(string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _backend.Touch(this);
        return _backend.GradientsOf(this, output, seeds, mode, at);
    }

    /// <summary>Moves every value to the host (unread ones copied) and releases the device copies.</summary>
    public void Evict()
    {
        Input.Evict();
        foreach (var value in Values.Values)
            value.Evict();
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        _backend.Forget(this);
        Input.Dispose();
        foreach (var value in Values.Values)
            value.Dispose();
    }
}
