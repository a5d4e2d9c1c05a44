using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Every session run of the backend, through IO binding: inputs bound where they lie (device values of an
/// earlier pass, host tensors pinned), each output bound to the memory its reader needs: the device for values
/// a later pass feeds on (observed activations, the crossing values of a suffix), the host for values the CAM
/// code reads at once (scores, gradients), which ONNX Runtime copies there once, at the end of the run.
/// </summary>
internal static class OrtRuns
{
    /// <summary>
    /// The token of the explain call running on this thread (<see cref="Cam.Backends.IModelBackend.Cancellation"/>).
    /// NOTE: thread-static because every pass of one call runs synchronously on the caller's thread,
    /// and the run helpers serve the forward, gradient and description sessions alike.
    /// </summary>
    [ThreadStatic]
    private static CancellationToken _cancellation;

    public static CancellationToken Cancellation
    {
        get => _cancellation;
        set => _cancellation = value;
    }

    /// <summary>
    /// One run of <paramref name="session"/> fed <paramref name="feeds"/>; each output bound to the device when
    /// <paramref name="onDevice"/> says so, else to the host. The caller owns the values returned (<see cref="DeviceMemory.Free"/>).
    /// NOTE: ONNX Runtime synchronizes the providers at the end of every run (run option
    /// disable_synchronize_execution_providers is off), so outputs on a GPU are complete when this returns and
    /// the next session may read them without a stream barrier.
    /// </summary>
    public static Dictionary<string, OrtValue> Run(InferenceSession session, Feeds feeds, IReadOnlyList<string> outputs, Func<string, bool> onDevice)
    {
        var memory = feeds.Memory;
        var cancellation = Cancellation;
        cancellation.ThrowIfCancellationRequested();
        using var binding = session.CreateIoBinding();
        foreach (var (name, value) in feeds.Values)
            binding.BindInput(name, value);
        foreach (var name in outputs)
            binding.BindOutputToDevice(name, onDevice(name) ? memory.Info : DeviceMemory.Host);
        using var options = new RunOptions();
        // ORT checks the flag between kernels: a cancel stops the run within one operator.
        using (cancellation.Register(() => options.Terminate = true))
        {
            try
            {
                session.RunWithBinding(options, binding);
            }
            catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
            {
                throw new OperationCanceledException(cancellation);
            }
        }
        // NOTE: the values are taken one by one out of the collection, not disposed with it: each goes to its owner.
        var values = binding.GetOutputValues();
        var result = new Dictionary<string, OrtValue>(StringComparer.Ordinal);
        for (int i = 0; i < values.Count; i++)
            result[outputs[i]] = memory.Adopt(values[i]);
        return result;
    }

    /// <summary>One run with every output bound to the host and read by <paramref name="read"/> there, then released.</summary>
    public static Dictionary<string, T> RunToHost<T>(InferenceSession session, Feeds feeds, IReadOnlyList<string> outputs, Func<OrtValue, string, T> read) =>
        RunAndRead(session, feeds, outputs, _ => false, read);

    /// <summary>One run with every output bound to the device and read by <paramref name="read"/> in place (its shape: <see cref="TensorDescriptions"/>), then released.</summary>
    public static Dictionary<string, T> RunOnDevice<T>(InferenceSession session, Feeds feeds, IReadOnlyList<string> outputs, Func<OrtValue, string, T> read) =>
        RunAndRead(session, feeds, outputs, _ => true, read);

    public static Dictionary<string, Tensor> RunToHost(InferenceSession session, Feeds feeds, IReadOnlyList<string> outputs) =>
        RunToHost(session, feeds, outputs, OrtValues.ToTensor);

    private static Dictionary<string, T> RunAndRead<T>(InferenceSession session, Feeds feeds, IReadOnlyList<string> outputs, Func<string, bool> onDevice, Func<OrtValue, string, T> read)
    {
        var values = Run(session, feeds, outputs, onDevice);
        try
        {
            return outputs.ToDictionary(name => name, name => read(values[name], name), StringComparer.Ordinal);
        }
        finally
        {
            foreach (var value in values.Values)
                feeds.Memory.Free(value);
        }
    }
}
