using Explain.Autodiff;
using Explain.Engine.Tensors;
using CamGradientMode = Explain.Cam.Backends.GradientMode;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Gradients on ONNX Runtime: its inference builds have no gradient ops, so the model is compiled
/// (src/Explain.Autodiff) into a gradient graph of standard ONNX ops that runs the forward pass and
/// the backward pass for all K seeds in one session run. Each (tensors, mode) compiles once per
/// backend, straight into its session: the compiler reads the model with its weights declared
/// without data (<see cref="SharedInitializers"/>), and its session reads the shared weights. A batch of B ≤ 16 inputs (an image batch,
/// Integrated Grad-CAM's path) runs as ONE run of a graph compiled for batch B (seed [K, B, ...]); a larger one as B
/// runs of the batch-1 graph, K seeds each.
/// </summary>
internal sealed class OrtGradients(OrtBackend backend)
{
    private readonly Dictionary<string, Compiled> _compiled = new(StringComparer.Ordinal);

    /// <summary>
    /// Gradients of <paramref name="output"/> for <paramref name="pass"/>. When its observed values hold the earliest
    /// tensor of <paramref name="at"/> and everything the layers after it read from before it, the gradients run on
    /// the suffix model from there, fed those values where the forward session left them (on the device), and the
    /// forward pass is not repeated; otherwise the whole gradient graph runs on the pass's input. Gradients come back
    /// to the host once, at the end of each run (the CAM code reads them all).
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Run(OrtPass pass, string output, Tensor seeds, CamGradientMode mode, IReadOnlyList<string> at)
    {
        var input = pass.Input;
        int batch = input.Shape[0];
        if (seeds.Rank == 0 || seeds.Shape[0] % batch != 0)
            throw new ArgumentException($"seeds of shape {TensorShape.Format(seeds.Shape)} do not stack K seeds per input row of a batch of {batch}");
        int k = seeds.Shape[0] / batch;
        // A batch up to MaxBatchedRun runs as ONE run of a graph compiled for it: the seam's seed rows t·B + b are the
        // graph's seed [K, B, ...] reshaped, and its gradients [K, B, ...] reshaped back. Larger batches (Integrated
        // Grad-CAM's longer paths, CLI batches over 16) run one row at a time on the batch-1 graph.
        int compiled = batch > 1 && batch <= MaxBatchedRun ? batch : 1;
        bool oneRun = compiled == batch;
        Tensor SeedsOf(int b) => oneRun ? (batch == 1 ? seeds : seeds.Reshape([k, batch, .. seeds.Shape[1..]]))
            : Rows(seeds, Enumerable.Range(0, k).Select(t => t * batch + b).ToArray());
        if (SuffixGraph(pass.Values, output, mode, at, compiled) is { } suffix)
            return oneRun
                ? Unbatched(at, suffix.Names, k, batch, RunToHost(suffix.Session, feeds => suffix.Feed(feeds, -1, batch, SeedsOf(0)), suffix.Names))
                : Stacked(at, suffix.Names, k, batch, b => RunToHost(suffix.Session, feeds => suffix.Feed(feeds, batch == 1 ? -1 : b, batch, SeedsOf(b)), suffix.Names));
        var inputs = at.Where(backend.InputNames.Contains).ToList();
        var request = new GradientRequest(at.Except(inputs).ToList(), output, Map(mode), inputs.Count > 0, compiled);
        string key = $"gradients:{mode}\nbatch={compiled}\n{string.Join('\n', at)}";
        if (!_compiled.TryGetValue(key, out var graph))
        {
            // Static shapes from ONNX Runtime itself (one run on zeros), so any model it runs can be compiled.
            var full = Compile(backend.Bytes, request, backend.TensorShapes);
            backend.Sessions.Get(key, () => OnnxEdits.Parse(full.Model));
            _compiled[key] = graph = new Compiled(full.Inputs[0], full.SeedInput, full.GradientOutputs);
        }
        var session = backend.Sessions.Get(key, () => throw new InvalidOperationException($"session '{key}' was released"));
        var names = at.Select(a => graph.GradientOutputs.TryGetValue(a, out var g) ? g
            : throw new ArgumentException($"the gradient graph has no gradient for '{a}'")).ToList();

        void Feed(Feeds feeds, int row)
        {
            input.BindTo(feeds, graph.Input, row, batch);
            backend.BindExtras(feeds, row, batch, pass.Extras);
            feeds.Add(graph.SeedInput, SeedsOf(Math.Max(row, 0)));
        }
        return oneRun
            ? Unbatched(at, names, k, batch, RunToHost(session, feeds => Feed(feeds, -1), names))
            : Stacked(at, names, k, batch, b => RunToHost(session, feeds => Feed(feeds, batch == 1 ? -1 : b), names));
    }

    /// <summary>The largest batch whose gradients run as one run of a graph compiled for that batch (each size compiles once).</summary>
    internal const int MaxBatchedRun = 16;

    /// <summary>One run's gradients [K, B, ...] in the seam's row order (row t·B + b is target t on batch row b): a reshape.</summary>
    private static Dictionary<string, Tensor> Unbatched(IReadOnlyList<string> at, IReadOnlyList<string> names, int k, int batch, Dictionary<string, Tensor> run) =>
        at.Select((a, i) => (a, i)).ToDictionary(x => x.a, x =>
        {
            var g = run[names[x.i]];
            return batch == 1 ? g : g.Reshape([k * batch, .. g.Shape[2..]]);
        });

    /// <summary>The inputs and gradient outputs of the graph compiled for session <paramref name="key"/> (full or suffix), for tests that rerun it unbound.</summary>
    internal (string Input, string SeedInput, IReadOnlyDictionary<string, string> GradientOutputs) Graph(string key)
    {
        var graph = _compiled.TryGetValue(key, out var full) ? full : _suffixGraphs[key].Graph!;
        return (graph.Input, graph.SeedInput, graph.GradientOutputs);
    }

    private Dictionary<string, Tensor> RunToHost(Microsoft.ML.OnnxRuntime.InferenceSession session, Action<Feeds> feed, IReadOnlyList<string> outputs)
    {
        using var feeds = new Feeds(backend.Memory);
        feed(feeds);
        return OrtRuns.RunToHost(session, feeds, outputs);
    }

    /// <summary>One run per batch row (the graphs are compiled for batch 1), back in the seam's row order: row t·B + b is target t on batch row b.</summary>
    private static Dictionary<string, Tensor> Stacked(IReadOnlyList<string> at, IReadOnlyList<string> names, int k, int batch, Func<int, Dictionary<string, Tensor>> runRow)
    {
        var perRow = Enumerable.Range(0, batch).Select(runRow).ToList();
        return at.Select((a, i) => (a, i)).ToDictionary(x => x.a, x =>
        {
            var grads = perRow.Select(r => r[names[x.i]]).ToList();
            if (batch == 1)
                return grads[0];
            int size = grads[0].Length / k;
            var result = new float[k * batch * size];
            for (int b = 0; b < batch; b++)
                for (int t = 0; t < k; t++)
                    grads[b].Floats.AsSpan(t * size, size).CopyTo(result.AsSpan((t * batch + b) * size, size));
            return Tensor.FromArray(result, [k * batch, .. grads[0].Shape[1..]]);
        });
    }

    private static GradientMode Map(CamGradientMode mode) => mode switch
    {
        CamGradientMode.Guided => GradientMode.Guided,
        CamGradientMode.GuidedReluOnly => GradientMode.GuidedReluOnly,
        _ => GradientMode.Standard,
    };

    private GradientGraph Compile(byte[] model, GradientRequest request, TensorShapeProbe shapes)
    {
        try
        {
            return GradientCompiler.Compile(model, request, backend.ModelDirectory, shapes);
        }
        catch (GradientCompileException e)
        {
            // An op without a gradient rule on the path: bad input for this model, not a crash (issue 11, "Bad input").
            throw new ArgumentException($"ONNX Runtime backend: no gradient graph for this model ({e.Message}); --backend managed may support it", e);
        }
    }

    private sealed record Compiled(string Input, string SeedInput, IReadOnlyDictionary<string, string> GradientOutputs);

    /// <summary>A gradient graph compiled from the suffix after the earliest requested tensor, with what to feed it.</summary>
    private sealed record SuffixRun(Microsoft.ML.OnnxRuntime.InferenceSession Session, IReadOnlyList<string> Names, string SeedInput, IReadOnlyList<string> Fed, IReadOnlyDictionary<string, PassValue> Values)
    {
        /// <summary>Binds the seeds and the pass's values (row <paramref name="row"/> of each, or whole when -1) where they lie.</summary>
        public void Feed(Feeds feeds, int row, int batch, Tensor seeds)
        {
            feeds.Add(SeedInput, seeds);
            foreach (var name in Fed)
                Values[name].BindTo(feeds, name, row, batch);
        }
    }

    private readonly Dictionary<string, (SuffixModel? Model, Compiled? Graph)> _suffixGraphs = new(StringComparer.Ordinal);

    /// <summary>
    /// The suffix route, or null for the full gradient graph: gradients at the model's input need
    /// the whole forward pass, and so do layers whose values (or the values crossing the cut, a
    /// skip connection) the forward pass did not keep, or layers not all after the earliest one.
    /// The backward pass is the same either way (it only ever runs from the scores back to the
    /// requested tensors); what the suffix saves is re-running the layers before the cut.
    /// </summary>
    private SuffixRun? SuffixGraph(IReadOnlyDictionary<string, PassValue> values, string output, CamGradientMode mode, IReadOnlyList<string> at, int batch)
    {
        if (at.Count == 0 || at.Any(a => backend.InputNames.Contains(a) || !values.TryGetValue(a, out var v) || !v.IsFloat))
            return null;
        var order = backend.NodeOrder;
        if (at.Any(a => !order.ContainsKey(a)))
            return null;
        string cut = at.MinBy(a => order[a])!;
        string key = $"suffix-gradients:{mode}\nbatch={batch}\n{output}\n{cut}\n{string.Join('\n', at)}";
        if (!_suffixGraphs.TryGetValue(key, out var entry))
        {
            var model = SuffixModel.Cut(backend.Model, cut, output,
                name => values.TryGetValue(name, out var v) && v.IsFloat ? SuffixModel.StaticInput(name, [batch, .. v.Shape[1..]]) : null);
            Compiled? graph = null;
            if (model is not null && at.All(a => a == cut || model.Contains(a)))
            {
                var request = new GradientRequest(at.Where(a => a != cut).ToList(), output, Map(mode), IncludeInputGradient: true, Batch: batch);
                // The shapes come from a run of the suffix itself: a run of the whole model with every tensor an output would
                // hold the whole model's activations at once for shapes the suffix does not read.
                var compiled = Compile(model.Bytes, request, shapes => TensorDescriptions.Shapes(backend.Sessions, model.Model, shapes));
                backend.Sessions.Get(key, () => OnnxEdits.Parse(compiled.Model));
                graph = new Compiled(cut, compiled.SeedInput, compiled.GradientOutputs);
            }
            _suffixGraphs[key] = entry = (model, graph);
        }
        if (entry is not (SuffixModel m, Compiled g))
            return null;
        var session = backend.Sessions.Get(key, () => throw new InvalidOperationException($"session '{key}' was released"));
        var names = at.Select(a => g.GradientOutputs[a]).ToList();
        return new SuffixRun(session, names, g.SeedInput, [.. m.Crossing.Prepend(cut)], values);
    }

    private static Tensor Rows(Tensor value, int[] rows)
    {
        int size = value.Length / value.Shape[0];
        var data = new float[rows.Length * size];
        for (int i = 0; i < rows.Length; i++)
            value.Floats.AsSpan(rows[i] * size, size).CopyTo(data.AsSpan(i * size, size));
        return Tensor.FromArray(data, [rows.Length, .. value.Shape[1..]]);
    }
}
