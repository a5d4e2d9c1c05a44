using System.Diagnostics;

namespace Explain.Bench;

/// <summary>Median and minimum wall time of repeated runs after warm-up, and the process's peak resident memory.</summary>
public static class Timing
{
    public static (double MedianMs, double MinMs) Measure(Action action, int warmup, int iterations)
    {
        for (int i = 0; i < warmup; i++) action();
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return (times[iterations / 2], times[0]);
    }

    public static void Trace(string phase)
    {
        if (Environment.GetEnvironmentVariable("EXPLAIN_RSS_TRACE") is null) return;
        string rss = "", hwm = "";
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = line[6..].Trim();
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) hwm = line[6..].Trim();
        }
        Console.Error.WriteLine($"[rss] {phase}: VmRSS {rss} VmHWM {hwm} managed {GC.GetTotalMemory(false) >> 20} MiB");
    }

    /// <summary>VmHWM: the peak resident set size of this process, in MiB.</summary>
    public static double PeakRssMiB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
        return double.NaN;
    }

    /// <summary>The shared benchmark input (--input, written by bench/make_models.py), the same file the PyTorch side reads.</summary>
    public static Explain.Engine.Tensors.Tensor Input(string[] args)
    {
        string path = Arg(args, "input", "");
        if (path.Length == 0)
            throw new ArgumentException("--input X.npy is required (bench/make_models.py writes bench/out/input.npy)");
        var input = Explain.Engine.Tensors.Npy.Read(path);
        if (!input.Shape.SequenceEqual([1, 3, 224, 224]))
            throw new ArgumentException($"{path}: shape [{string.Join(", ", input.Shape)}], expected [1, 3, 224, 224]");
        return input;
    }

    /// <summary>The benchmark model (--model) as an explainer on the backend, device and threads the arguments name (--backend, --device, --threads).</summary>
    public static (Explain.Cam.Explainer Explainer, Explain.Cam.Backends.BackendOptions Backend, int Threads) OpenExplainer(string[] args, string defaultBackend)
    {
        string modelPath = Arg(args, "model", "");
        int threads = int.Parse(Arg(args, "threads", "2"), System.Globalization.CultureInfo.InvariantCulture);
        var backend = Explain.Cam.Backends.BackendOptions.Parse(Arg(args, "backend", defaultBackend), Arg(args, "device", "cpu"), threads);
        var card = new Explain.Cam.Models.ModelCard { Name = Path.GetFileNameWithoutExtension(modelPath), OnnxPath = modelPath };
        return (new Explain.Cam.Explainer(Explain.Backends.ExecutionBackends.Open(backend, card), card), backend, threads);
    }

    /// <summary>The "impl" report.py pairs rows by: "explain" for the managed engine, "explain-ort" for ONNX Runtime.</summary>
    public static string Impl(Explain.Cam.Backends.BackendOptions backend) => backend.Kind == Explain.Cam.Backends.BackendKind.Managed ? "explain" : "explain-ort";

    public static string Arg(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}
