using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Graph;

/// <summary>
/// Runs a model forward and, when asked, backward from seeds on its outputs to the observed tensors
/// and the inputs. Plans lazily for the input shapes it is given (and re-plans when they change).
/// Not thread-safe: use one session per concurrent caller; the model is shared.
/// </summary>
public sealed partial class Session
{
    private readonly OnnxModel _model;
    private readonly SessionOptions _options;
    private readonly OpContext _context;
    private ExecutionPlan? _plan;
    private int _forwardBatch = -1;
    private Dictionary<int, Tensor>? _retained;

    public Session(OnnxModel model, SessionOptions? options = null)
    {
        if (model.UnsupportedOperators.Count > 0)
            throw new UnsupportedOperatorException(model.UnsupportedOperators);
        _model = model;
        _options = options ?? new SessionOptions();
        _context = new OpContext { Threads = Math.Max(1, _options.Threads) };
    }

    public OnnxModel Model => _model;

    /// <summary>Operators executed by this session (forward, backward and suffix runs): how far a cancelled run got.</summary>
    internal long OperatorsRun { get; private set; }

    /// <summary>Runs the model on its single input.</summary>
    /// <param name="input">The input tensor.</param>
    /// <param name="cancellationToken">Checked before every operator: a cancelled run stops within one.</param>
    public ForwardResult Run(Tensor input, CancellationToken cancellationToken = default)
    {
        if (_model.Inputs.Count != 1)
            throw new InputException($"the model has {_model.Inputs.Count} inputs ({string.Join(", ", _model.Inputs.Select(i => i.Name))}); pass them by name");
        return Run(new Dictionary<string, Tensor> { [_model.Inputs[0].Name] = input }, cancellationToken);
    }

    /// <summary>
    /// Plans for these inputs now (validation, constant folding, op construction, optimization) so
    /// that unsupported element types or shapes surface before the first real run.
    /// </summary>
    public void Prepare(IReadOnlyDictionary<string, Tensor> inputs) => PlanFor(inputs);

    /// <summary>Runs the model on named inputs.</summary>
    /// <param name="inputs">Every graph input by name.</param>
    /// <param name="cancellationToken">Checked before every operator: a cancelled run stops within one.</param>
    public ForwardResult Run(IReadOnlyDictionary<string, Tensor> inputs, CancellationToken cancellationToken = default)
    {
        var plan = PlanFor(inputs);
        bool save = plan.GradientTargets.Count > 0;
        _context.SaveForBackward = false;
        var values = new Tensor?[plan.Names.Length];
        foreach (int id in plan.InputIds)
            values[id] = inputs[plan.Names[id]];
        var keep = new HashSet<int>(plan.Observed.Concat(plan.OutputIds).Concat(plan.Resume.Keys).Concat(plan.Resume.Values.SelectMany(r => r.Crossing)));
        for (int n = 0; n < plan.Nodes.Count; n++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var node = plan.Nodes[n];
            var args = new Tensor[node.Inputs.Length];
            for (int i = 0; i < args.Length; i++)
                args[i] = node.Inputs[i] < 0 ? null! : values[node.Inputs[i]] ?? plan.Constants[node.Inputs[i]]!;
            _context.SaveForBackward = save && node.NeedsBackward;
            OperatorsRun++;
            var results = Execute(node.Source, node.Op, _context, args);
            for (int k = 0; k < node.Outputs.Length && k < results.Length; k++)
                if (node.Outputs[k] >= 0)
                    values[node.Outputs[k]] = results[k];
            // Early release: a tensor nobody reads any more is dropped unless the caller asked for it.
            foreach (int i in node.Inputs)
                if (i >= 0 && plan.LastUse[i] == n && !keep.Contains(i))
                    values[i] = null;
        }
        _context.SaveForBackward = false;
        _forwardBatch = save ? BatchOf(inputs) : -1;
        _retained = plan.Resume.Count == 0 ? null : plan.Resume.Values.SelectMany(r => r.Crossing).Distinct().ToDictionary(id => id, id => values[id]!);
        return new ForwardResult(
            plan.OutputIds.ToDictionary(id => plan.Names[id], id => values[id] ?? plan.Constants[id]!),
            plan.Observed.ToDictionary(id => plan.Names[id], id => values[id] ?? plan.Constants[id]!));
    }

    /// <summary>Runs one op, stamping the node on errors so every failure names where it happened.</summary>
    internal static Tensor[] Execute(OnnxNode node, Op op, OpContext context, Tensor[] args)
    {
        try
        {
            return op.Forward(context, args);
        }
        catch (EngineException e)
        {
            e.Node ??= node.DisplayName;
            throw;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or NotSupportedException or InvalidCastException or OverflowException)
        {
            throw new NodeExecutionException(node.DisplayName, node.OpType, e);
        }
    }

    private ExecutionPlan PlanFor(IReadOnlyDictionary<string, Tensor> inputs)
    {
        foreach (var input in _model.Inputs)
        {
            if (!inputs.TryGetValue(input.Name, out var t))
                throw new InputException($"missing input '{input.Name}' {TensorShape.Format(input.Shape)}");
            var expected = _options.InputShapes?.GetValueOrDefault(input.Name) ?? input.Shape;
            // The leading dimension of an image-like or token input is the batch: exporters often fix it at 1,
            // yet CNNs run any batch (a graph that bakes the batch into a Reshape fails at planning).
            bool fits = expected.Length == 0 && input.Shape.Length == 0
                || expected.Length == t.Rank && expected.Select((d, i) => d < 0 || d == t.Shape[i] || (i == 0 && t.Rank >= 2)).All(ok => ok);
            if (!fits)
                throw new InputException($"input '{input.Name}' has shape {TensorShape.Format(t.Shape)}; the model expects {TensorShape.Format(expected)}");
        }
        foreach (var name in inputs.Keys.Where(k => _model.Inputs.All(i => i.Name != k)))
            throw new InputException($"the model has no input named '{LogText.Of(name)}'");
        if (_plan is null || _model.Inputs.Any(i => !_plan.Shapes[_plan.Ids[i.Name]]!.AsSpan().SequenceEqual(inputs[i.Name].Shape)))
            _plan = Planner.Build(_model, inputs, _options);
        return _plan;
    }

    /// <summary>Zero-valued inputs of the declared element types, for describing a graph before any real input.</summary>
    private Dictionary<string, Tensor> PlanningInputs(IReadOnlyDictionary<string, int[]> shapes) =>
        _model.Inputs.ToDictionary(i => i.Name, i => shapes.TryGetValue(i.Name, out var s)
            ? i.ElementType == "int64" ? Tensor.FromInt64(new long[TensorShape.ElementCount(s)], s) : Tensor.Zeros(s)
            : throw new InputException($"InputShapes has no shape for input '{i.Name}'"));

    private int BatchOf(IReadOnlyDictionary<string, Tensor> inputs) =>
        inputs.Values.Select(t => t.Rank > 0 ? t.Shape[0] : 1).DefaultIfEmpty(1).First();
}
