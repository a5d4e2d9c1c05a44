using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

public sealed partial class Session
{
    /// <summary>
    /// Re-runs only the part of the graph downstream of <paramref name="tensor"/> (declared in
    /// <see cref="SessionOptions.ResumeFrom"/>) with <paramref name="value"/> in its place, reusing
    /// everything else from the last <see cref="Run(IReadOnlyDictionary{string, Tensor})"/>. The value may stack B
    /// variants along dimension 0 (one forward sample each); other tensors the suffix reads are
    /// repeated to match. Returns the outputs the suffix computes.
    /// </summary>
    /// <param name="tensor">The tensor to resume from.</param>
    /// <param name="value">Its replacement, B variants stacked.</param>
    /// <param name="cancellationToken">Checked before every operator.</param>
    public IReadOnlyDictionary<string, Tensor> RunFrom(string tensor, Tensor value, CancellationToken cancellationToken = default)
    {
        var plan = _plan;
        if (plan is null || _retained is null || !plan.Ids.TryGetValue(tensor, out int id) || !plan.Resume.TryGetValue(id, out var resume))
            throw new InputException($"RunFrom('{LogText.Of(tensor)}') needs a session with ResumeFrom = ['{LogText.Of(tensor)}'] and a Run before it");
        var shape = plan.Shapes[id]!;
        if (value.Rank != shape.Length || value.Shape[0] % shape[0] != 0 || !value.Shape.AsSpan(1).SequenceEqual(shape.AsSpan(1)))
            throw new InputException($"RunFrom('{tensor}'): value of shape {TensorShape.Format(value.Shape)} does not stack {TensorShape.Format(shape)} along dimension 0");
        int repeat = value.Shape[0] / shape[0];
        var values = new Dictionary<int, Tensor> { [id] = value };
        foreach (int c in resume.Crossing)
            values[c] = Repeat(_retained[c], repeat);
        _context.SaveForBackward = false;
        foreach (int n in resume.Nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = plan.Nodes[n];
            var args = node.Inputs.Select(i => i < 0 ? null! : values.TryGetValue(i, out var v) ? v : plan.Constants[i]!).ToArray();
            OperatorsRun++;
            var results = Execute(node.Source, node.Op, _context, args);
            for (int k = 0; k < node.Outputs.Length && k < results.Length; k++)
                if (node.Outputs[k] >= 0)
                    values[node.Outputs[k]] = results[k];
        }
        return plan.OutputIds.Where(values.ContainsKey).ToDictionary(o => plan.Names[o], o => values[o]);
    }

    private static Tensor Repeat(Tensor t, int times)
    {
        if (times == 1 || t.Rank == 0)
            return t;
        var shape = (int[])t.Shape.Clone();
        shape[0] *= times;
        var result = Tensor.Create(shape);
        for (int r = 0; r < times; r++)
            t.Floats.CopyTo(result.Floats, r * t.Length);
        return result;
    }
}
