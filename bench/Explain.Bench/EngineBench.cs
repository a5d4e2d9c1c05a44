using System.Globalization;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Bench;

/// <summary>
/// Engine benchmark (issue 2): forward, and forward + gradient of one logit with respect to the
/// target layer, batch 1, the shared input bench/out/input.npy (the PyTorch side reads it too), on the
/// backend named by --backend (managed | ort).
/// </summary>
public static class EngineBench
{
    public static int Run(string[] args)
    {
        string modelPath = Timing.Arg(args, "model", "");
        string layer = Timing.Arg(args, "layer", "");
        int threads = int.Parse(Timing.Arg(args, "threads", "2"), CultureInfo.InvariantCulture);
        int iterations = int.Parse(Timing.Arg(args, "iterations", "20"), CultureInfo.InvariantCulture);

        var options = BackendOptions.Parse(Timing.Arg(args, "backend", "managed"), Timing.Arg(args, "device", "cpu"), threads);
        using var model = ExecutionBackends.Open(options, modelPath);
        var input = Timing.Input(args);
        Timing.Trace("loaded");
        var (fwd, fwdMin) = Timing.Measure(() => model.Forward(input, PassRequest.Outputs), 3, iterations);

        Timing.Trace("forward");
        string output = model.OutputNames[0];
        var request = new PassRequest([layer], Gradients: true);
        int classes = model.Forward(input, PassRequest.Outputs).Outputs[output].Shape[^1];
        var seed = Tensor.Zeros(1, classes);
        seed.Floats[0] = 1;
        var (grad, gradMin) = Timing.Measure(() => model.Forward(input, request).Gradients(output, seed, GradientMode.Standard, [layer]), 3, iterations);

        Timing.Trace("grad");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"{Timing.Impl(options)}\",\"threads\":{threads},\"forward_ms\":{fwd:F2},\"forward_min_ms\":{fwdMin:F2},\"forward_grad_ms\":{grad:F2},\"forward_grad_min_ms\":{gradMin:F2},\"peak_rss_mib\":{Timing.PeakRssMiB():F0}}}"));
        return 0;
    }
}
