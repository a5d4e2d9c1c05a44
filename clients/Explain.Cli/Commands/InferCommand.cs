using System.Diagnostics;
using Explain.Cam.Models;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
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
        int threads = args.Int("threads", Environment.ProcessorCount);
        args.RejectUnknown();

        var clock = Stopwatch.StartNew();
        var model = OnnxModel.Load(card.OnnxPath);
        double loadMs = clock.Elapsed.TotalMilliseconds;
        var input = Npy.Read(inputPath);
        var session = new Session(model, new SessionOptions { Threads = threads });
        session.Run(input);
        clock.Restart();
        var result = session.Run(input);
        double runMs = clock.Elapsed.TotalMilliseconds;

        Directory.CreateDirectory(outDir);
        foreach (var (name, tensor) in result.Outputs)
            Npy.Write(Path.Combine(outDir, OutputFiles.SafeName(name) + ".npy"), tensor);

        string scoresName = card.ScoresOutput ?? result.Outputs.Keys.First();
        var scores = result.Outputs[scoresName];
        Console.WriteLine($"model {card.Name}: loaded in {loadMs:F0} ms, forward {runMs:F1} ms ({threads} threads); outputs written to {outDir}");
        TopK.Print(card, scores, 5);
        return 0;
    }
}
