using Explain.Backends.Managed;
using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Models;

namespace Explain.Backends;

/// <summary>
/// The one place that names the backend types: hosts (CLI, worker) pass their <see cref="BackendOptions"/>
/// and a model card and get the model loaded on the chosen backend and device.
/// </summary>
public static class ExecutionBackends
{
    /// <summary>Loads the card's model; the device is the options' device, else model.json's, else the CPU.</summary>
    public static IModelBackend Open(BackendOptions options, ModelCard card) => options.Kind switch
    {
        BackendKind.Managed when options.DeviceFor(card.Device).IsGpu =>
            throw new BackendUnavailableException($"the managed backend runs on the CPU only, not on {options.DeviceFor(card.Device)}; use --backend ort for GPUs"),
        BackendKind.Managed => ManagedBackend.Load(card.OnnxPath, options.EffectiveThreads),
        _ => OrtBackend.Load(card.OnnxPath, options.DeviceFor(card.Device), options.EffectiveThreads, spinWait: options.SpinWait),
    };

    /// <summary>Loads a bare .onnx file (its model.json, when beside it, still names the default device).</summary>
    public static IModelBackend Open(BackendOptions options, string onnxPath) => Open(options, ModelCard.ForOnnxFile(onnxPath));
}
