using System.Diagnostics;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Engine.Tensors;

namespace Explain.Cli.Commands;

/// <summary>`explain infer`: one forward pass; every output written as DIR/&lt;output-name&gt;.npy; top-5 printed.</summary>
public static class InferCommand
{
    public static int Run(string[] argv)
    {
        var args = new Arguments(argv, new HashSet<string>());
        var card = ModelStore.Default().Resolve(args.Required("model"));
        string inputPath = args.Required("input-npy");
        string outDir = args.Required("out");
        var options = BackendOptions.Parse(args.Optional("backend"), args.Optional("device"), args.Int("threads", 0));
        args.RejectUnknown();

        var clock = Stopwatch.StartNew();
        using var backend = ExecutionBackends.Open(options, card);
        double loadMs = clock.Elapsed.TotalMilliseconds;
        var input = Npy.Read(inputPath);
        backend.Forward(input, PassRequest.Outputs);
        clock.Restart();
        var result = backend.Forward(input, PassRequest.Outputs);
        double runMs = clock.Elapsed.TotalMilliseconds;

        Directory.CreateDirectory(outDir);
        foreach (var (name, tensor) in result.Outputs)
            Npy.Write(Path.Combine(outDir, OutputFiles.SafeName(name) + ".npy"), tensor);

        string scoresName = card.ScoresOutput ?? result.Outputs.Keys.First();
        var scores = result.Outputs[scoresName];
        Console.WriteLine($"model {card.Name}: loaded in {loadMs:F0} ms, forward {runMs:F1} ms ({backend.Name}, {options.EffectiveThreads} threads); outputs written to {outDir}");
        TopK.Print(card, scores, 5);
        return 0;
    }
}
