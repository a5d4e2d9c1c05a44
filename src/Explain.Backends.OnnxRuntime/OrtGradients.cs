using Explain.Autodiff;
using Explain.Engine.Tensors;
using CamGradientMode = Explain.Cam.Backends.GradientMode;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Gradients on ONNX Runtime: its inference builds have no gradient ops, so the model is compiled
/// (src/Explain.Autodiff) into a gradient graph of standard ONNX ops that runs the forward pass and
/// the backward pass for all K seeds in one session run. Each (tensors, mode) compiles once per
/// backend, straight into its session: the compiled model (weights inlined) is not kept once the
/// session holds it, so a worker's memory follows the explainers it caches. The graph is compiled for batch 1:
/// a batch of B inputs (Integrated Grad-CAM's path) runs as B runs of K seeds each.
/// </summary>
internal sealed class OrtGradients(OrtBackend backend)
{
    private readonly Dictionary<string, Compiled> _compiled = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, Tensor> Run(Tensor input, string output, Tensor seeds, CamGradientMode mode, IReadOnlyList<string> at)
    {
        int batch = input.Shape[0];
        if (seeds.Rank == 0 || seeds.Shape[0] % batch != 0)
            throw new ArgumentException($"seeds of shape {TensorShape.Format(seeds.Shape)} do not stack K seeds per input row of a batch of {batch}");
        int k = seeds.Shape[0] / batch;
        var inputs = at.Where(backend.InputNames.Contains).ToList();
        var request = new GradientRequest(at.Except(inputs).ToList(), output, mode switch { CamGradientMode.Guided => GradientMode.Guided, CamGradientMode.GuidedReluOnly => GradientMode.GuidedReluOnly, _ => GradientMode.Standard }, inputs.Count > 0);
        string key = $"gradients:{mode}\n{string.Join('\n', at)}";
        if (!_compiled.TryGetValue(key, out var graph))
        {
            GradientGraph full;
            try
            {
                // Static shapes from ONNX Runtime itself (one run on zeros), so any model it runs can be compiled.
                full = GradientCompiler.Compile(backend.Bytes, request, backend.ModelDirectory, backend.TensorShapes);
            }
            catch (GradientCompileException e)
            {
                // An op without a gradient rule on the path: bad input for this model, not a crash (issue 11, "Bad input").
                throw new ArgumentException($"ONNX Runtime backend: no gradient graph for this model ({e.Message}); --backend managed may support it", e);
            }
            backend.Sessions.Get(key, () => full.Model);
            _compiled[key] = graph = new Compiled(full.Inputs[0], full.SeedInput, full.GradientOutputs);
        }
        var session = backend.Sessions.Get(key, () => throw new InvalidOperationException($"session '{key}' was released"));
        var names = at.Select(a => graph.GradientOutputs.TryGetValue(a, out var g) ? g
            : throw new ArgumentException($"the gradient graph has no gradient for '{a}'")).ToList();

        var perRow = new List<Dictionary<string, Tensor>>();
        for (int b = 0; b < batch; b++)
        {
            var feeds = new Dictionary<string, Tensor>
            {
                [graph.Input] = batch == 1 ? input : Rows(input, [b]),
                [graph.SeedInput] = batch == 1 ? seeds : Rows(seeds, Enumerable.Range(0, k).Select(t => t * batch + b).ToArray()),
            };
            perRow.Add(OrtBackend.RunOnce(session, feeds, names));
        }
        // Back to the seam's row order: row t·B + b is target t on batch row b.
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

    private sealed record Compiled(string Input, string SeedInput, IReadOnlyDictionary<string, string> GradientOutputs);

    private static Tensor Rows(Tensor value, int[] rows)
    {
        int size = value.Length / value.Shape[0];
        var data = new float[rows.Length * size];
        for (int i = 0; i < rows.Length; i++)
            value.Floats.AsSpan(rows[i] * size, size).CopyTo(data.AsSpan(i * size, size));
        return Tensor.FromArray(data, [rows.Length, .. value.Shape[1..]]);
    }
}
