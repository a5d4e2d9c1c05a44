using System.Diagnostics;
using Explain.Cam;
using Explain.Cam.Inputs;
using Explain.Cam.Models;
using Explain.Cam.Output;
using Explain.Cam.Targets;
using Explain.Backends;
using Explain.Cam.Backends;
using Explain.Engine.Tensors;
using Explain.Imaging.Preprocessing;
using Explain.Imaging.Rendering;

namespace Explain.Cli.Commands;

/// <summary>
/// `explain run`: explains images (or ready tensors) in process. The model loads once; inputs
/// stream through it; a single input writes into DIR, several into DIR/&lt;stem&gt;/.
/// </summary>
public static class RunCommand
{
    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".jfif"];

    public static int Run(string[] argv)
    {
        var args = new Arguments(argv, new HashSet<string> { "counterfactual", "metrics", "eigen-smooth", "aug-smooth" }, new HashSet<string> { "image", "input-npy" });
        var card = ModelStore.Default().Resolve(args.Required("model"));
        var images = Expand(args.All("image"), ImageExtensions);
        var tensors = Expand(args.All("input-npy"), [".npy"]);
        var methods = List(args.Optional("method") ?? "gradcam");
        var layers = args.All("layer").SelectMany(List).ToList();
        var classes = List(args.Optional("class") ?? "").Select(c => int.TryParse(c, out int k) ? k : throw new UsageException($"--class takes class indices, not '{c}'")).ToList();
        int topK = args.Int("top-k", 1);
        bool counterfactual = args.Flag("counterfactual");
        bool metrics = args.Flag("metrics");
        bool eigenSmooth = args.Flag("eigen-smooth");
        bool augSmooth = args.Flag("aug-smooth");
        int scoreCamChannels = args.Int("scorecam-channels", 0);
        string outDir = args.Required("out");
        var backend = BackendOptions.Parse(args.Optional("backend"), args.Optional("device"), args.Int("threads", 0));
        var colormap = Colormap.FromName(args.Optional("colormap") ?? "jet");
        args.RejectUnknown();
        if (images.Count + tensors.Count == 0)
            throw new UsageException("give --image FILE|DIR or --input-npy FILE|DIR");

        var clock = Stopwatch.StartNew();
        using var explainer = new Explainer(ExecutionBackends.Open(backend, card), card);
        var info = ModelInfo.From(card, explainer.Backend);
        var spec = images.Count > 0 ? Spec(card) : null;
        var options = new ExplainOptions { Methods = methods, Layers = layers, Targets = new TargetSelection(classes, topK, counterfactual),
            Metrics = metrics, EigenSmooth = eigenSmooth, AugSmooth = augSmooth, ScoreCamChannels = scoreCamChannels };
        Console.WriteLine($"model {card.Name} loaded on {explainer.Backend.Name} in {clock.Elapsed.TotalMilliseconds:F0} ms; methods {string.Join(", ", methods)}");

        var inputs = images.Select(f => (f, true)).Concat(tensors.Select(f => (f, false))).ToList();
        var folders = OutputFolders(inputs.Select(i => i.f).ToList());
        foreach (var (file, isImage) in inputs)
        {
            clock.Restart();
            var input = isImage ? ExplainInput.FromImage(Path.GetFileName(file), File.ReadAllBytes(file), spec!) : ExplainInput.FromTensor(Path.GetFileName(file), Npy.Read(file));
            var prepare = new Dictionary<string, double> { ["decode_preprocess"] = clock.Elapsed.TotalMilliseconds };
            var explanation = explainer.Explain(input.Tensor, options);
            string dir = inputs.Count == 1 ? outDir : Path.Combine(outDir, folders[file]);
            var result = ExplanationWriter.Write(dir, input, explanation, info, colormap, prepare);
            var top = result.Predictions[0];
            Console.WriteLine($"{input.Name}: {top.Label} ({top.Class}, p={top.Probability:P1}); {result.Maps.Count} maps in {clock.Elapsed.TotalMilliseconds:F0} ms -> {Path.Combine(dir, "index.html")}");
        }
        return 0;
    }

    /// <summary>DIR/&lt;stem&gt;/ per input; inputs whose stems clash (pet.png, pet.jfif, or one name in two folders) get their full file name, then a counter.</summary>
    private static Dictionary<string, string> OutputFolders(IReadOnlyList<string> files)
    {
        var clashing = files.GroupBy(f => Path.GetFileNameWithoutExtension(f), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1).SelectMany(g => g).ToHashSet();
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var folders = new Dictionary<string, string>();
        foreach (var file in files)
        {
            string name = clashing.Contains(file) ? Path.GetFileName(file) : Path.GetFileNameWithoutExtension(file);
            string folder = name;
            for (int n = 2; !used.Add(folder); n++)
                folder = $"{name}-{n}";
            folders[file] = folder;
        }
        return folders;
    }

    private static PreprocessSpec Spec(ModelCard card) => card.Json is { } json
        ? PreprocessSpec.FromModelJson(json)
        : throw new UsageException($"model {card.Name} has no model.json with preprocessing; give --input-npy tensors instead of images");

    private static List<string> List(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    private static List<string> Expand(IReadOnlyList<string> paths, string[] extensions) => paths.SelectMany(p =>
        Directory.Exists(p)
            ? Directory.EnumerateFiles(p).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order()
            : File.Exists(p) ? (IEnumerable<string>)[p] : throw new FileNotFoundException($"input '{p}' not found", p)).ToList();
}
