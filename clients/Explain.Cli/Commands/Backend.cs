using Explain.Cam.Models;

namespace Explain.Cli.Commands;

/// <summary>
/// Which execution backend and device a model runs on. Today every model runs on the managed engine
/// on the CPU; when the ONNX Runtime backend lands (branch ortbackend) this is the one place that
/// reports its choice.
/// </summary>
internal static class Backend
{
    public static (string Backend, string Device) For(ModelCard card) => ("managed", "cpu");
}
