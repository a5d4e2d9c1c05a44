using System.Diagnostics;
using System.Text.Json;
using Explain.Cam.Inputs;
using Explain.Cam.Output;
using Explain.Client;
using Grpc.Core;
using Explain.Imaging.Preprocessing;
using Colormap = Explain.Imaging.Rendering.Colormap;
using Explain.V1;
using Google.Protobuf;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain submit`: sends one image to a running service (Explainer.Explain), shows a progress
/// line while the job runs and writes the same files as `explain run` (maps, overlays drawn
/// locally from the maps, result.json, index.html).
/// </summary>
public static class SubmitCommand
{
    public static int Run(string[] argv) => RunAsync(argv).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(string[] argv)
    {
        var args = new Arguments(argv, new HashSet<string> { "counterfactual", "metrics" });
        string server = args.Optional("server") ?? "http://127.0.0.1:50051";
        string model = args.Required("model");
        string image = args.Required("image");
        var methods = List(args.Optional("method") ?? "gradcam");
        var layers = args.All("layer").SelectMany(List).ToList();
        var classes = List(args.Optional("class") ?? "").Select(c => int.TryParse(c, out int k) ? k : throw new UsageException($"--class takes class indices, not '{c}'")).ToList();
        int topK = args.Int("top-k", 1);
        bool counterfactual = args.Flag("counterfactual"), metrics = args.Flag("metrics");
        var colormap = Colormap.FromName(args.Optional("colormap") ?? "jet");
        int timeout = args.Int("timeout", 300);
        string outDir = args.Required("out");
        args.RejectUnknown();

        var clock = Stopwatch.StartNew();
        using var client = new ExplainClient(server);
        try
        {
            var card = await client.DescribeModelAsync(model);
            var bytes = await File.ReadAllBytesAsync(image);
            var request = new ExplainRequest
            {
                IdempotencyKey = Guid.NewGuid().ToString("N"), Model = model, Image = ByteString.CopyFrom(bytes),
                Targets = new Targets { TopK = topK, Counterfactual = counterfactual },
                Options = new V1.ExplainOptions { Metrics = metrics, OmitOverlay = true, Resolution = MapResolution.Both },
            };
            request.Methods.AddRange(methods);
            request.Layers.AddRange(layers);
            request.Targets.Classes.AddRange(classes);
            var remote = new RemoteExplanation();
            JobEvent? last = null;
            await foreach (var e in client.ExplainAsync(request, DateTime.UtcNow.AddSeconds(timeout)))
            {
                remote.Add(e);
                last = e;
                Console.Error.Write("\r" + RemoteExplanation.Progress(e.JobId, e, remote, clock.Elapsed).PadRight(100));
            }
            Console.Error.WriteLine();
            if (last?.KindCase != JobEvent.KindOneofCase.Completed)
                return 1;
            using var json = JsonDocument.Parse(card.CardJson);
            var input = ExplainInput.FromImage(Path.GetFileName(image), bytes, PreprocessSpec.FromModelJson(json.RootElement));
            var info = new ModelInfo(card.Name, card.Labels, card.Opset, card.Producer);
            var result = ExplanationWriter.Write(outDir, input, remote.ToExplanation(), info, colormap, new Dictionary<string, double> { ["round_trip"] = clock.Elapsed.TotalMilliseconds });
            var top = result.Predictions[0];
            Console.WriteLine($"{input.Name}: {top.Label} ({top.Class}, p={top.Probability:P1}); {result.Maps.Count} maps in {clock.Elapsed.TotalMilliseconds:F0} ms -> {Path.Combine(outDir, "index.html")}");
            return 0;
        }
        catch (RpcException e)
        {
            Console.Error.WriteLine();
            Console.Error.WriteLine($"explain submit: {e.StatusCode}: {e.Status.Detail}");
            return 1;
        }
    }

    private static List<string> List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
