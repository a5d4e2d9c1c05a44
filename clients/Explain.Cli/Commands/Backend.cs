using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;

namespace Explain.Cli.Commands;

/// <summary>
/// Which execution backend and device a model runs on: EXPLAIN_BACKEND (ort, the default, or
/// managed) and EXPLAIN_DEVICE (cpu, cuda[:N], tensorrt[:N]; model.json's "device" otherwise), the
/// same choice the service workers make. The one place the CLI opens a backend.
/// </summary>
internal static class Backend
{
    public static BackendOptions Options(int threads = 0) => BackendOptions.FromEnvironment() with { Threads = threads };

    public static (string Backend, string Device) For(ModelCard card)
    {
        var options = Options();
        return (options.Kind == BackendKind.Managed ? "managed" : "ort", options.DeviceFor(card.Device).ToString());
    }

    public static IModelBackend Open(ModelCard card, int threads = 0) => ExecutionBackends.Open(Options(threads), card);
}
