using System.Globalization;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Bench;

/// <summary>
/// Engine benchmark (issue 2): forward, and forward + gradient of one logit with respect to the
/// target layer, batch 1, the shared input bench/out/input.npy (the PyTorch side reads it too).
/// </summary>
public static class EngineBench
{
    public static int Run(string[] args)
    {
        string modelPath = Timing.Arg(args, "model", "");
        string layer = Timing.Arg(args, "layer", "");
        int threads = int.Parse(Timing.Arg(args, "threads", "2"), CultureInfo.InvariantCulture);
        int iterations = int.Parse(Timing.Arg(args, "iterations", "20"), CultureInfo.InvariantCulture);

        var model = OnnxModel.Load(modelPath);
        var input = Timing.Input(args);
        var forwardOnly = new Session(model, new SessionOptions { Threads = threads });
        var (fwd, fwdMin) = Timing.Measure(() => forwardOnly.Run(input), 3, iterations);

        var withGradient = new Session(model, new SessionOptions { Threads = threads, Observe = [layer], Gradients = true });
        string output = model.Outputs[0].Name;
        var seed = Tensor.Zeros(1, model.Outputs[0].Shape[^1]);
        seed.Floats[0] = 1;
        var seeds = new Dictionary<string, Tensor> { [output] = seed };
        var (grad, gradMin) = Timing.Measure(() =>
        {
            withGradient.Run(input);
            withGradient.Backward(seeds);
        }, 3, iterations);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"explain\",\"threads\":{threads},\"forward_ms\":{fwd:F2},\"forward_min_ms\":{fwdMin:F2},\"forward_grad_ms\":{grad:F2},\"forward_grad_min_ms\":{gradMin:F2},\"peak_rss_mib\":{Timing.PeakRssMiB():F0}}}"));
        return 0;
    }
}
