using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;

namespace Explain.Cli.Commands;

/// <summary>
/// Which execution backend and device a model runs on: --backend (ort, the default, or managed) and
/// --device (cpu, cuda[:N], tensorrt[:N]), else EXPLAIN_BACKEND / EXPLAIN_DEVICE (the same choice the
/// service workers make), else model.json's "device", else the CPU. The one place the CLI opens a backend.
/// </summary>
internal static class Backend
{
    /// <summary>The options' values where given (parsed already: a bad value stopped at parse time), else the environment's.</summary>
    public static BackendOptions Options(string? backend = null, string? device = null, int threads = 0)
    {
        var environment = BackendOptions.FromEnvironment();
        var given = BackendOptions.Parse(backend, device, threads);
        return environment with
        {
            Kind = backend is null ? environment.Kind : given.Kind,
            Device = device is null ? environment.Device : given.Device,
            Threads = threads,
        };
    }

    public static (string Backend, string Device) For(ModelCard card, BackendOptions? options = null)
    {
        options ??= Options();
        return (options.Kind == BackendKind.Managed ? "managed" : "ort", options.DeviceFor(card.Device).ToString());
    }

    public static IModelBackend Open(ModelCard card, BackendOptions options) => ExecutionBackends.Open(options, card);
}
