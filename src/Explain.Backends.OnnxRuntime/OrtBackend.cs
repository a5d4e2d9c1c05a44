using Explain.Cam.Backends;
using Explain.Engine.Graph;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tensors;
using Microsoft.ML.OnnxRuntime;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// ONNX Runtime behind the backend seam. Each request shape gets its own edited copy of the model
/// and one session, built on first use and kept (<see cref="OrtSessions"/>), all reading one copy of
/// the weights (<see cref="SharedInitializers"/>): forward passes run one session of the model with
/// every tensor observed so far added as graph outputs (a pass observing a new one replaces it); gradients run the
/// gradient graph compiled from the model (<see cref="OrtGradients"/>); Ablation-CAM runs a
/// suffix model cut out after the target tensor. Batches run whole: the copies make the batch
/// dimension symbolic; a model that bakes batch 1 into its graph (a Reshape to [1, -1]) fails a
/// batched run, and from then on its batches run row by row.
/// </summary>
public sealed class OrtBackend : IModelBackend
{
    private readonly ModelProto _model;
    private readonly string? _path;
    private readonly OrtSessions _sessions;
    private readonly OrtGradients _gradients;
    private readonly Dictionary<string, SuffixModel> _suffixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<TensorInfo>> _descriptions = new(StringComparer.Ordinal);
    private (Tensor Input, Dictionary<string, Tensor> Values)? _crossing;
    private bool _rowsOnly;
    private Explain.Engine.Onnx.OnnxModel? _graph;

    private readonly int _threads;

    private OrtBackend(ModelProto model, ModelFile? file, string? modelDirectory, ExecutionDevice device, int threads, GraphOptimizationLevel optimization, bool spinWait = true)
    {
        _path = file?.Path;
        _threads = threads;
        _model = model;
        ModelDirectory = modelDirectory;
        // The weights move out of the proto into native memory once; every edited copy below is then a few kilobytes.
        // GPU sessions place weights on the device, where a CPU value cannot be shared: they keep the weights in the proto.
        var initializers = SharedInitializers.Take(_model, share: !device.IsGpu, file);
        if (initializers.Count > 0)
            OrtSessions.CollectGarbage();
        _sessions = new OrtSessions(device, threads > 0 ? threads : Environment.ProcessorCount, ModelDirectory, initializers) { Optimization = optimization, SpinWait = spinWait };
        _gradients = new OrtGradients(this);
        InputNames = OnnxEdits.FedInputs(_model.Graph).Select(i => i.Name).ToList();
        OutputNames = _model.Graph.Output.Select(o => o.Name).ToList();
        // Load the unedited model once now, so a model ONNX Runtime cannot run fails here, at load, naming the op.
        ForwardSession([]);
    }

    public string Name => $"ort {_sessions.Device}";

    public int Opset => OnnxEdits.Opset(_model);

    public string Producer => $"{_model.ProducerName} {_model.ProducerVersion}".Trim();

    public IReadOnlyList<string> InputNames { get; }

    public IReadOnlyList<string> OutputNames { get; }

    internal string? ModelDirectory { get; }

    /// <summary>The managed importer's view of the same model, read on first use (only methods that read parameters ask): from its file, else from the weights written back.</summary>
    public Explain.Engine.Onnx.OnnxModel Graph => _graph ??= Explain.Engine.Onnx.OnnxModel.Load(_path is not null ? File.ReadAllBytes(_path) : FullBytes(_model), ModelDirectory);

    /// <summary>The serialized model with its shared weights declared without data (what the gradient compiler reads: it needs no weight values).</summary>
    internal byte[] Bytes => Google.Protobuf.MessageExtensions.ToByteArray(_model);

    internal ModelProto Model => _model;

    internal OrtSessions Sessions => _sessions;

    /// <summary>Each node output's position in the graph's (topological) node order.</summary>
    internal IReadOnlyDictionary<string, int> NodeOrder => _nodeOrder ??= _model.Graph.Node
        .SelectMany((node, i) => node.Output.Where(o => o.Length > 0).Select(o => (o, i)))
        .GroupBy(x => x.o, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);

    private Dictionary<string, int>? _nodeOrder;

    /// <summary>
    /// Loads <paramref name="onnxPath"/> (external data beside it) for <paramref name="device"/> with <paramref name="threads"/> intra-op threads (0: all cores).
    /// <paramref name="spinWait"/> false makes idle intra-op threads sleep instead of spinning (see <see cref="BackendOptions.SpinWait"/>).
    /// </summary>
    public static OrtBackend Load(string onnxPath, ExecutionDevice? device = null, int threads = 0, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL, bool spinWait = true)
    {
        if (!File.Exists(onnxPath))
            throw new FileNotFoundException($"model file '{onnxPath}' not found", onnxPath);
        string path = Path.GetFullPath(onnxPath);
        var (model, file) = Read(path);
        return new OrtBackend(model, file, Path.GetDirectoryName(path), device ?? ExecutionDevice.Cpu, threads, optimization, spinWait);
    }

    public static OrtBackend Load(byte[] model, ExecutionDevice? device = null, int threads = 0, GraphOptimizationLevel optimization = GraphOptimizationLevel.ORT_ENABLE_ALL) =>
        new(Parse(model), null, null, device ?? ExecutionDevice.Cpu, threads, optimization);

    /// <summary>The file's model and where its weights lie in it; its bytes are garbage once this returns (the backend keeps the parsed proto, weights moved out).</summary>
    private static (ModelProto Model, ModelFile File) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return (Parse(bytes), ModelFile.Of(path, bytes));
    }

    private static ModelProto Parse(byte[] bytes)
    {
        var model = OnnxEdits.Parse(bytes);
        if (model.Graph is null || model.Graph.Node.Count == 0 || model.Graph.Output.Count == 0)
            throw new ArgumentException($"not an ONNX model: no graph, nodes or outputs in {bytes.Length} bytes");
        return model;
    }

    /// <summary>A copy of the model with the initializers replaced as raw float data (external data of those tensors dropped), on a new set of sessions.</summary>
    public IModelBackend WithInitializers(IReadOnlyDictionary<string, Tensor> replaced)
    {
        var model = _model.Clone();
        _sessions.Initializers.Fill(model);
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in model.Graph.Initializer)
        {
            if (!replaced.TryGetValue(t.Name, out var value))
                continue;
            if (t.DataType != (int)TensorProto.Types.DataType.Float || !t.Dims.Select(d => (int)d).SequenceEqual(value.Shape))
                throw new ArgumentException($"initializer '{t.Name}' is not a float tensor of shape [{string.Join(", ", value.Shape)}]");
            t.FloatData.Clear();
            t.ExternalData.Clear();
            t.DataLocation = TensorProto.Types.DataLocation.Default;
            t.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(value.Floats.AsSpan()));
            found.Add(t.Name);
        }
        if (replaced.Keys.FirstOrDefault(k => !found.Contains(k)) is { } missing)
            throw new ArgumentException($"the model has no initializer '{missing}'");
        return new OrtBackend(model, null, ModelDirectory, _sessions.Device, _threads, _sessions.Optimization, _sessions.SpinWait);
    }

    public ForwardPass Forward(Tensor input, PassRequest request)
    {
        CheckInput(input);
        var observe = request.Observe.Where(o => !InputNames.Contains(o)).Distinct().ToList();
        foreach (var name in observe.Where(o => !_model.Graph.Node.Any(n => n.Output.Contains(o))))
            throw new ArgumentException($"the model has no tensor '{name}' to observe (explain layers lists them)");
        var session = ForwardSession(observe);
        var values = Run(session, new Dictionary<string, Tensor> { [InputNames[0]] = input }, OutputNames.Concat(observe).Distinct().ToList());
        var observed = request.Observe.Distinct().ToDictionary(o => o, o => InputNames.Contains(o) ? input : values[o]);
        return new OrtPass(_gradients, input, OutputNames.ToDictionary(o => o, o => values[o]), observed);
    }

    public Tensor RunFrom(Tensor input, string tensor, Tensor replacement, string output)
    {
        CheckInput(input);
        var suffix = Suffix(tensor, output, input);
        var session = _sessions.Get($"suffix:{tensor}\n{output}", () => suffix.Model.Clone());
        var crossing = CrossingValues(input, suffix);
        int rows = replacement.Shape[0];
        var feeds = new Dictionary<string, Tensor> { [tensor] = replacement };
        foreach (var name in suffix.Crossing)
            feeds[name] = Repeat(crossing[name], rows, input.Shape[0]);
        return Run(session, feeds, [output])[output];
    }

    public IReadOnlyList<TensorInfo> DescribeTensors(IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        var shapes = OnnxEdits.FedInputs(_model.Graph).ToDictionary(i => i.Name, i => inputShapes?.GetValueOrDefault(i.Name) ?? DeclaredShape(i));
        string key = string.Join(';', shapes.Select(s => s.Key + "=" + TensorShape.Format(s.Value)));
        if (!_descriptions.TryGetValue(key, out var description))
            _descriptions[key] = description = TensorDescriptions.Describe(this, shapes);
        return description;
    }

    public void Dispose() => _sessions.Dispose();

    /// <summary>The shape of every tensor ONNX Runtime computes for <paramref name="inputShapes"/> (the gradient compiler's <see cref="Autodiff.TensorShapeProbe"/>).</summary>
    internal IReadOnlyDictionary<string, int[]> TensorShapes(IReadOnlyDictionary<string, int[]> inputShapes)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var tensor in DescribeTensors(inputShapes))
            shapes.TryAdd(tensor.Name, tensor.Shape);
        return shapes;
    }

    /// <summary>
    /// The forward session observing every tensor in <paramref name="observe"/>: the one built last when
    /// it observes them all, else a new one observing those too, which replaces it. One session of the
    /// whole model at a time (each optimized at <see cref="OrtSessions.Optimization"/> holds its own
    /// layout of the convolution weights); an output nobody fetches costs ONNX Runtime nothing.
    /// </summary>
    private InferenceSession ForwardSession(IReadOnlyList<string> observe)
    {
        string key = "forward:" + string.Join('\n', _observedSoFar);
        if (_sessions.Keys.Contains(key) && observe.All(_observedSoFar.Contains))
            return _sessions.Get(key, () => throw new InvalidOperationException($"session '{key}' was released"));
        // The old session goes first: two sessions of the whole model at once would be the peak this avoids.
        _sessions.Release(key);
        _observedSoFar.AddRange(observe.Where(o => !_observedSoFar.Contains(o)));
        key = "forward:" + string.Join('\n', _observedSoFar);
        return _sessions.Get(key, () => OnnxEdits.WithOutputs(_model, _observedSoFar), full: true);
    }

    private readonly List<string> _observedSoFar = [];

    /// <summary>The serialized model with every weight written back (the managed importer, a model with replaced initializers).</summary>
    private byte[] FullBytes(ModelProto model)
    {
        var copy = model.Clone();
        _sessions.Initializers.Fill(copy);
        return Google.Protobuf.MessageExtensions.ToByteArray(copy);
    }

    /// <summary>Runs <paramref name="session"/>; a batch the graph cannot take whole (batch 1 baked in) runs row by row.</summary>
    internal Dictionary<string, Tensor> Run(InferenceSession session, IReadOnlyDictionary<string, Tensor> feeds, IReadOnlyList<string> outputs)
    {
        int batch = feeds.Values.First().Shape[0];
        if (batch > 1 && _rowsOnly)
            return RowByRow(session, feeds, outputs, batch);
        try
        {
            return RunOnce(session, feeds, outputs);
        }
        catch (OnnxRuntimeException) when (batch > 1)
        {
            // NOTE: the batched run failed and a single row may still succeed (a fixed batch in a Reshape);
            // a row-by-row run that fails too surfaces its own error.
            _rowsOnly = true;
            return RowByRow(session, feeds, outputs, batch);
        }
    }

    /// <summary>
    /// The token of the explain call running on this thread (<see cref="IModelBackend.Cancellation"/>).
    /// NOTE: thread-static because every pass of one call runs synchronously on the caller's thread,
    /// and the static run helpers serve the forward, gradient and description sessions alike.
    /// </summary>
    [ThreadStatic]
    private static CancellationToken _threadCancellation;

    private static CancellationToken Cancellation => _threadCancellation;

    CancellationToken IModelBackend.Cancellation
    {
        get => _threadCancellation;
        set => _threadCancellation = value;
    }

    private static IDisposableReadOnlyCollection<OrtValue> RunTerminable(InferenceSession session, RunOptions options, List<string> names, List<OrtValue> values, IReadOnlyList<string> outputs, CancellationToken cancellation)
    {
        try
        {
            return session.Run(options, names, values, outputs);
        }
        catch (OnnxRuntimeException) when (cancellation.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellation);
        }
    }

    internal static Dictionary<string, Tensor> RunOnce(InferenceSession session, IReadOnlyDictionary<string, Tensor> feeds, IReadOnlyList<string> outputs) =>
        RunOnce(session, feeds, outputs, OrtValues.ToTensor);

    /// <summary>One run of <paramref name="session"/>, each output read by <paramref name="read"/> before ONNX Runtime releases it.</summary>
    internal static Dictionary<string, T> RunOnce<T>(InferenceSession session, IReadOnlyDictionary<string, Tensor> feeds, IReadOnlyList<string> outputs, Func<OrtValue, string, T> read)
    {
        var names = feeds.Keys.ToList();
        var values = names.Select(n => OrtValues.From(feeds[n])).ToList();
        try
        {
            var cancellation = Cancellation;
            cancellation.ThrowIfCancellationRequested();
            using var options = new RunOptions();
            // ORT checks the flag between kernels: a cancel stops the run within one operator.
            using var stop = cancellation.Register(() => options.Terminate = true);
            using var results = RunTerminable(session, options, names, values, outputs, cancellation);
            return outputs.Select((name, i) => (name, i)).ToDictionary(o => o.name, o => read(results[o.i], o.name));
        }
        finally
        {
            foreach (var v in values)
                v.Dispose();
        }
    }

    private Dictionary<string, Tensor> RowByRow(InferenceSession session, IReadOnlyDictionary<string, Tensor> feeds, IReadOnlyList<string> outputs, int batch)
    {
        var rows = Enumerable.Range(0, batch).Select(r => RunOnce(session, feeds.ToDictionary(f => f.Key, f => Row(f.Value, r, batch)), outputs)).ToList();
        return outputs.ToDictionary(o => o, o => Stack(rows.Select(r => r[o]).ToList()));
    }

    private SuffixModel Suffix(string tensor, string output, Tensor input)
    {
        string key = tensor + "\n" + output;
        if (_suffixes.TryGetValue(key, out var suffix))
            return suffix;
        if (!InputNames.Contains(tensor) && !_model.Graph.Node.Any(n => n.Output.Contains(tensor)))
            throw new ArgumentException($"the model has no tensor '{tensor}' to re-run from");
        // Types and ranks of the suffix's inputs (the tensor and those crossing the cut) come from one forward pass observing them.
        var inputs = new List<string>();
        SuffixModel.Cut(_model, tensor, output, name =>
        {
            inputs.Add(name);
            return new ValueInfoProto { Name = name };
        });
        var probe = Forward(input, new PassRequest(inputs));
        var types = probe.Observed.ToDictionary(o => o.Key, o => (o.Value.Type == DataType.Float32 ? 1 : 7, o.Value.Rank));
        return _suffixes[key] = SuffixModel.Cut(_model, tensor, output, types);
    }

    private Dictionary<string, Tensor> CrossingValues(Tensor input, SuffixModel suffix)
    {
        if (suffix.Crossing.Count == 0)
            return [];
        if (_crossing is { } cached && ReferenceEquals(cached.Input, input) && suffix.Crossing.All(cached.Values.ContainsKey))
            return cached.Values;
        var pass = Forward(input, new PassRequest(suffix.Crossing));
        var values = pass.Observed.ToDictionary(o => o.Key, o => o.Value);
        _crossing = (input, values);
        return values;
    }

    private void CheckInput(Tensor input)
    {
        if (InputNames.Count != 1)
            throw new ArgumentException($"the model has {InputNames.Count} inputs ({string.Join(", ", InputNames)}); explanations feed one image input");
        if (input.Rank == 0)
            throw new ArgumentException("the input must have a batch dimension");
    }

    private static int[] DeclaredShape(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int)d.DimValue : -1).ToArray() ?? [];
        if (dims.Length > 0 && dims[0] < 0)
            dims[0] = 1;
        if (dims.Any(d => d < 0))
            throw new ArgumentException($"input '{input.Name}' has symbolic dimensions {TensorShape.Format(dims)}; give its shape");
        return dims;
    }

    /// <summary>A tensor read before the cut, repeated along dimension 0 to match <paramref name="rows"/> replacement rows (shape tensors pass as they are).</summary>
    private static Tensor Repeat(Tensor value, int rows, int inputBatch)
    {
        if (value.Type != DataType.Float32 || value.Rank == 0 || value.Shape[0] != inputBatch || rows == inputBatch)
            return value;
        int[] shape = [rows * value.Shape[0] / inputBatch, .. value.Shape[1..]];
        var result = Tensor.Create(shape);
        for (int r = 0; r < rows / inputBatch; r++)
            value.Floats.CopyTo(result.Floats.AsSpan(r * value.Length));
        return result;
    }

    private static Tensor Row(Tensor value, int row, int batch)
    {
        if (value.Rank == 0 || value.Shape[0] != batch)
            return value;
        int size = value.Length / batch;
        int[] shape = [1, .. value.Shape[1..]];
        return value.Type == DataType.Float32
            ? Tensor.FromArray(value.Floats.AsSpan(row * size, size).ToArray(), shape)
            : Tensor.FromInt64(value.Longs.AsSpan(row * size, size).ToArray(), shape);
    }

    private static Tensor Stack(IReadOnlyList<Tensor> rows)
    {
        int[] shape = [rows.Sum(r => r.Shape[0]), .. rows[0].Shape[1..]];
        if (rows[0].Type != DataType.Float32)
            return Tensor.FromInt64(rows.SelectMany(r => r.Longs).ToArray(), shape);
        return Tensor.FromArray(rows.SelectMany(r => r.Floats).ToArray(), shape);
    }
}
