using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

public sealed partial class Session
{
    /// <summary>
    /// Backpropagates seeds (∂loss/∂tensor, by tensor name — usually a model output) through the
    /// last forward pass. A seed may stack F seeds per forward sample along dimension 0 (F·N rows,
    /// row r belonging to sample r % N): every returned gradient then has F·N rows too, all from
    /// one backward pass. Returns gradients at the observed tensors and/or the inputs, as the
    /// session's options asked.
    /// </summary>
    /// <param name="seeds">Seeds by tensor name.</param>
    /// <param name="mode">The rectifier rule (guided backpropagation or the exact gradient).</param>
    /// <param name="only">Return just these gradient targets; the pass stops as soon as they are complete.</param>
    /// <param name="cancellationToken">Checked before every operator's backward step.</param>
    public IReadOnlyDictionary<string, Tensor> Backward(IReadOnlyDictionary<string, Tensor> seeds, BackwardMode mode = BackwardMode.Standard, IReadOnlyCollection<string>? only = null, CancellationToken cancellationToken = default)
    {
        var plan = _plan;
        if (plan is null || _forwardBatch < 0 || plan.GradientTargets.Count == 0)
            throw new InputException("Backward needs a forward pass of a session created with Gradients or InputGradients");
        if (seeds.Count == 0)
            throw new InputException("Backward needs at least one seed");
        var grads = new Tensor?[plan.Names.Length];
        int factor = -1;
        foreach (var (name, seed) in seeds)
        {
            if (!plan.Ids.TryGetValue(name, out int id) || plan.Constants[id] is not null)
                throw new InputException($"cannot seed '{LogText.Of(name)}': not a tensor computed by the model");
            var shape = plan.Shapes[id]!;
            int f = shape.Length > 0 && shape[0] > 0 ? seed.Shape[0] / shape[0] : 1;
            bool fits = seed.Type == DataType.Float32 && seed.Rank == shape.Length && f >= 1
                && (shape.Length == 0 || seed.Shape[0] == f * shape[0]) && seed.Shape.AsSpan(Math.Min(1, shape.Length)).SequenceEqual(shape.AsSpan(Math.Min(1, shape.Length)));
            if (!fits || (factor > 0 && f != factor))
                throw new InputException($"seed for '{name}' has shape {TensorShape.Format(seed.Shape)}; expected F×{TensorShape.Format(shape)} stacked along dimension 0 (the same F for every seed)");
            factor = f;
            grads[id] = seed;
        }

        var wanted = only is null ? plan.GradientTargets : only.Select(name => plan.Ids.TryGetValue(name, out int id) && plan.GradientTargets.Contains(id)
            ? id : throw new InputException($"'{LogText.Of(name)}' is not a gradient target of this session")).ToHashSet();
        // A target's gradient is complete once every node after its producer has run backward.
        int stop = wanted.Select(id => plan.Nodes.FindIndex(node => node.Outputs.Contains(id))).DefaultIfEmpty(-1).Min();
        _context.Mode = mode;
        try
        {
            for (int n = plan.Nodes.Count - 1; n > stop; n--)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var node = plan.Nodes[n];
                if (!node.NeedsBackward || node.Outputs.All(o => o < 0 || grads[o] is null))
                    continue;
                var outGrads = node.Outputs.Select(o => o < 0 ? null! : grads[o] ?? Tensor.Zeros(Scale(plan.Shapes[o]!, factor))).ToArray();
                var inGrads = BackwardNode(node, outGrads);
                for (int i = 0; i < node.Inputs.Length && i < inGrads.Length; i++)
                {
                    int id = node.Inputs[i];
                    if (id < 0 || inGrads[i] is null || !node.Op.NeedsInputGradient[i])
                        continue;
                    var g = GradientReduction.SumTo(inGrads[i]!, Scale(plan.Shapes[id]!, factor));
                    grads[id] = grads[id] is { } existing ? GradientReduction.Add(existing, g) : g;
                }
                foreach (int o in node.Outputs)
                    if (o >= 0 && !plan.GradientTargets.Contains(o))
                        grads[o] = null;
            }
        }
        finally
        {
            _context.Mode = BackwardMode.Standard;
        }
        return wanted.ToDictionary(id => plan.Names[id], id => grads[id] ?? Tensor.Zeros(Scale(plan.Shapes[id]!, factor)));
    }

    private Tensor?[] BackwardNode(PlanNode node, Tensor[] outGrads)
    {
        OperatorsRun++;
        try
        {
            return node.Op.Backward(_context, outGrads);
        }
        catch (EngineException e)
        {
            e.Node ??= node.Name;
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException)
        {
            throw new NodeExecutionException(node.Name, node.Source.OpType, e);
        }
    }

    private static int[] Scale(int[] shape, int factor)
    {
        if (factor == 1 || shape.Length == 0)
            return shape;
        var s = (int[])shape.Clone();
        s[0] *= factor;
        return s;
    }
}
