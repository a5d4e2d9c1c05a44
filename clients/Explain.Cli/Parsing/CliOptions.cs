using System.CommandLine;
using System.CommandLine.Parsing;
using Explain.Cam;
using Explain.Cam.Models;

namespace Explain.Cli.Parsing;

/// <summary>
/// The options several commands share, each parsed and checked when the command line is parsed
/// (before any model loads), so a mistake is reported at once, naming the option and, where a
/// value is close to a valid one, suggesting it.
/// </summary>
internal static class CliOptions
{
    public static readonly string[] ColormapNames = ["jet", "turbo"];

    public static Option<ModelCard> Model(string description = "a model-store name (see `explain models`) or a path to an .onnx file (its model.json beside it is read)") =>
        new("--model", "-m")
        {
            Description = description,
            Required = true,
            HelpName = "NAME|FILE.onnx",
            CustomParser = r => ResolveModel(r),
            CompletionSources = { _ => SafeStoreNames() },
        };

    public static Option<List<string>> Methods() =>
        new("--method")
        {
            Description = "comma-separated CAM methods: " + string.Join(", ", CamRegistry.Names),
            HelpName = "a,b",
            CustomParser = r => ParseMethods(r),
            DefaultValueFactory = _ => ["gradcam"],
            CompletionSources = { _ => CamRegistry.Names },
        };

    public static Option<List<string>> Layers() =>
        new("--layer")
        {
            Description = "target layer(s), comma-separated or repeated (see `explain layers`) [default: model.json's default_target_layer, else the engine's choice]",
            HelpName = "TENSOR",
            CustomParser = r => r.Tokens.SelectMany(t => Split(t.Value)).ToList(),
        };

    public static Option<List<int>> Classes() =>
        new("--class", "-c")
        {
            Description = "comma-separated class indices to explain (0-based, as in labels.txt) [default: the top --top-k predictions]",
            HelpName = "k,...",
            CustomParser = r => ParseClasses(r),
        };

    /// <summary>--target: explicit target objects (softmax, ReST, binary, sum, multi-label, logit), repeated; they replace --class/--top-k.</summary>
    public static Option<List<Cam.Targets.CamTarget>> Targets() =>
        new("--target")
        {
            Description = "target(s) to explain instead of classes, repeated or ';'-separated: " + Cam.Targets.TargetSpec.Forms,
            HelpName = "KIND[:ARG]",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r => ParseTargets(r),
        };

    /// <summary>`--image-targets`: one target list per input, in the inputs' order (each a ';'-separated list as for --target).</summary>
    public static Option<List<List<Cam.Targets.CamTarget>>> ImageTargets() =>
        new("--image-targets")
        {
            Description = "one target list per input, in the inputs' order (repeat the option once per input; each a ';'-separated list of --target forms): a different target for each image of a batch",
            HelpName = "KIND[:ARG][;...]",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r => r.Tokens.Select(t => ParseTargetList(r, t.Value, "--image-targets")).ToList(),
        };

    /// <summary>A multi-input model's other inputs (issue 14 part 2): NAME=FILE.npy pairs, resolved per input by <see cref="Commands.ExtraInputFiles"/>.</summary>
    public static Option<List<KeyValuePair<string, string>>> ExtraInputs() =>
        new("--extra-input")
        {
            Description = "a model input other than the image, NAME=FILE.npy (float32 or int64, batch 1: token ids, a question tensor, a second image tensor); give it once for every input, or once per input in the inputs' order",
            HelpName = "NAME=FILE.npy",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = r => r.Tokens.Select(t => ParseExtraInput(r, t.Value)).ToList(),
        };

    private static KeyValuePair<string, string> ParseExtraInput(ArgumentResult r, string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            r.AddError($"--extra-input: '{text}' is not NAME=FILE.npy (the model input's ONNX name, '=', a .npy file).");
        return eq <= 0 ? default : new(text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    public static Option<int> TopK() => Positive("--top-k", "explain the n best-scoring classes when --class is not given", 1);

    public static Option<bool> Flag(string name, string description) => new(name) { Description = description };

    /// <summary>The colormap's name, checked; <see cref="Imaging.Rendering.Colormap.FromName"/> makes it.</summary>
    public static Option<string> Colormap() =>
        new("--colormap")
        {
            Description = "heatmap colours: jet (as pytorch-grad-cam) or turbo (perceptually smoother)",
            HelpName = "jet|turbo",
            DefaultValueFactory = _ => "jet",
            CustomParser = r => ParseColormap(r),
            CompletionSources = { _ => ColormapNames },
        };

    public static Option<string> Out(string description) => new("--out", "-o") { Description = description, Required = true, HelpName = "DIR" };

    public static Option<int> Threads() => Positive("--threads", "compute threads (intra-op threads of each ONNX Runtime session)", Environment.ProcessorCount);

    public static readonly string[] BackendNames = ["ort", "managed"];

    /// <summary>--backend: ort (ONNX Runtime) or managed; absent = EXPLAIN_BACKEND, else ort.</summary>
    public static Option<string?> Backend() =>
        new("--backend")
        {
            Description = "execution backend: ort (ONNX Runtime, compiled gradient graphs) or managed (the dependency-free C# engine) [default: $EXPLAIN_BACKEND, else ort]",
            HelpName = "ort|managed",
            CustomParser = r =>
            {
                string value = r.Tokens[^1].Value.Trim().ToLowerInvariant();
                if (value is not ("ort" or "onnxruntime" or "managed"))
                    r.AddError($"--backend: unknown backend '{r.Tokens[^1].Value}'.{Suggestions.DidYouMean(value, BackendNames)} Known: {string.Join(", ", BackendNames)}.");
                return value;
            },
            CompletionSources = { _ => BackendNames },
        };

    /// <summary>--device: cpu, cuda[:N], tensorrt[:N]; absent = EXPLAIN_DEVICE, else model.json's "device", else cpu.</summary>
    public static Option<string?> Device() =>
        new("--device")
        {
            Description = "where ONNX Runtime runs: cpu, cuda[:N] or tensorrt[:N] [default: $EXPLAIN_DEVICE, else model.json's \"device\", else cpu]",
            HelpName = "cpu|cuda[:N]|tensorrt[:N]",
            CustomParser = r =>
            {
                string value = r.Tokens[^1].Value;
                try
                {
                    Cam.Backends.ExecutionDevice.Parse(value);
                }
                catch (ArgumentException e)
                {
                    r.AddError($"--device: {e.Message}.");
                }
                return value;
            },
            CompletionSources = { _ => ["cpu", "cuda", "cuda:0", "tensorrt"] },
        };

    /// <summary>--reshape: how token or NHWC target layers become [C, h, w] grids; absent = model.json's "reshape", else auto.</summary>
    public static Option<string?> Reshape() =>
        new("--reshape")
        {
            Description = "target layers to [C, h, w] grids: vit (tokens [1, 1+h*w, C], class token dropped), swin (NHWC stages [1, h, w, C]) or auto (NCHW as is, square token grids) [default: model.json's \"reshape\", else auto]",
            HelpName = "auto|vit|swin",
            CustomParser = r =>
            {
                string value = r.Tokens[^1].Value.Trim().ToLowerInvariant();
                if (!Cam.Layers.ReshapeTransforms.Names.Contains(value))
                    r.AddError($"--reshape: unknown transform '{r.Tokens[^1].Value}'.{Suggestions.DidYouMean(value, Cam.Layers.ReshapeTransforms.Names)} Known: {string.Join(", ", Cam.Layers.ReshapeTransforms.Names)}.");
                return value;
            },
            CompletionSources = { _ => Cam.Layers.ReshapeTransforms.Names },
        };

    public static Option<int> Positive(string name, string description, int defaultValue, bool allowZero = false) =>
        new(name)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => ParseInt(r, allowZero),
        };

    /// <summary>Files or folders (every file with one of <paramref name="extensions"/> in it, sorted); each must exist.</summary>
    public static Option<List<string>> Inputs(string name, string description, string[] extensions) =>
        new(name)
        {
            Description = description,
            HelpName = "FILE|DIR",
            AllowMultipleArgumentsPerToken = true,
            CustomParser = r => ParseInputs(r, extensions),
        };

    /// <summary>An option's value in a command validator, or default when the option itself failed to parse (its error is already reported).</summary>
    public static T? Value<T>(System.CommandLine.Parsing.CommandResult r, Option<T> option)
    {
        try
        {
            return r.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }

    public static IEnumerable<string> Split(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Name(ArgumentResult r) => (r.Parent as OptionResult)?.Option.Name ?? "option";

    private static ModelCard ResolveModel(ArgumentResult r)
    {
        string value = r.Tokens[^1].Value;
        var store = ModelStore.Default();
        try
        {
            return store.Resolve(value);
        }
        catch (FileNotFoundException) when (value.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) || value.Contains('/'))
        {
            r.AddError($"--model: file '{value}' not found.");
        }
        catch (Exception e) when (e is FileNotFoundException or ArgumentException)
        {
            var names = SafeStoreNames().ToList();
            r.AddError($"--model: no model '{value}' in the model store {store.Root}.{Suggestions.DidYouMean(value, names)}" +
                (names.Count > 0 ? $" (have: {string.Join(", ", names)}; `explain models` lists them)" : " (the store is empty or missing: set EXPLAIN_MODEL_STORE)"));
        }
        return null!;
    }

    private static IEnumerable<string> SafeStoreNames()
    {
        try
        {
            return ModelStore.Default().Names.ToList();
        }
        catch (IOException)
        {
            return [];
        }
    }

    private static List<string> ParseMethods(ArgumentResult r)
    {
        var methods = r.Tokens.SelectMany(t => Split(t.Value)).ToList();
        if (methods.Count == 0)
            r.AddError("--method: give at least one method.");
        foreach (var m in methods.Where(m => !CamRegistry.IsKnown(m)))
            r.AddError($"--method: unknown method '{m}'.{Suggestions.DidYouMean(m, CamRegistry.Names)} Known: {string.Join(", ", CamRegistry.Names)}.");
        return methods;
    }

    private static List<Cam.Targets.CamTarget> ParseTargets(ArgumentResult r) => ParseTargetList(r, string.Join(';', r.Tokens.Select(t => t.Value)), "--target");

    private static List<Cam.Targets.CamTarget> ParseTargetList(ArgumentResult r, string list, string option)
    {
        var targets = new List<Cam.Targets.CamTarget>();
        foreach (var part in list.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                targets.Add(Cam.Targets.TargetSpec.Parse(part));
            }
            catch (ArgumentException e)
            {
                r.AddError($"{option}: " + e.Message + ".");
            }
        }
        if (targets.Count > 16)
            r.AddError($"{option}: at most 16 targets, not {targets.Count}.");
        var twice = targets.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            r.AddError($"{option}: '{twice.Key}' is named twice.");
        return targets;
    }

    private static List<int> ParseClasses(ArgumentResult r)
    {
        var classes = new List<int>();
        foreach (var part in r.Tokens.SelectMany(t => Split(t.Value)))
        {
            if (int.TryParse(part, out int k) && k >= 0)
                classes.Add(k);
            else
                r.AddError($"--class: '{part}' is not a class index (a whole number ≥ 0, e.g. --class 243,281).");
        }
        return classes;
    }

    private static string ParseColormap(ArgumentResult r)
    {
        string value = r.Tokens[^1].Value.ToLowerInvariant();
        if (!ColormapNames.Contains(value))
            r.AddError($"--colormap: unknown colormap '{r.Tokens[^1].Value}'.{Suggestions.DidYouMean(value, ColormapNames)} Known: {string.Join(", ", ColormapNames)}.");
        return value;
    }

    /// <summary>--class checked against the model's label count at parse time (the card's labels.txt needs no graph).</summary>
    public static Option<List<int>> CheckedAgainst(this Option<List<int>> classes, Option<ModelCard> model)
    {
        classes.Validators.Add(r =>
        {
            if (r.Parent is not System.CommandLine.Parsing.CommandResult command || Value(command, model) is not { Labels.Count: > 0 } card)
                return;
            int count = card.Labels.Count;
            foreach (int k in Value(command, classes) ?? [])
            {
                if (k >= count)
                    r.AddError($"--class {k}: model {card.Name} has {count} classes (0–{count - 1}); `explain infer --model {card.Name} --image F` shows the likely ones.");
            }
        });
        return classes;
    }

    private static int ParseInt(ArgumentResult r, bool allowZero)
    {
        string value = r.Tokens[^1].Value;
        if (int.TryParse(value, out int n) && (n > 0 || (allowZero && n == 0)))
            return n;
        r.AddError($"{Name(r)}: '{value}' is not a {(allowZero ? "whole number ≥ 0" : "positive whole number")}.");
        return 0;
    }

    private static List<string> ParseInputs(ArgumentResult r, string[] extensions)
    {
        var files = new List<string>();
        foreach (var path in r.Tokens.Select(t => t.Value))
        {
            if (Directory.Exists(path))
            {
                var found = Directory.EnumerateFiles(path).Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal).ToList();
                if (found.Count == 0)
                    r.AddError($"{Name(r)}: folder '{path}' has no {string.Join("/", extensions)} files.");
                files.AddRange(found);
            }
            else if (File.Exists(path))
                files.Add(path);
            else
                r.AddError($"{Name(r)}: '{path}' not found.");
        }
        return files;
    }
}
