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
/// suffix model cut out after the target tensor. Every run goes through IO binding (<see cref="OrtRuns"/>):
/// what the next pass reads stays on the session's device, owned by the pass (<see cref="PassValue"/>,
/// at most <see cref="MaxDevicePasses"/> passes at once), and what the CAM code reads comes to the host
/// once (docs/architecture.md, Execution backends). Batches run whole: the copies make the batch
/// dimension symbolic; a model that bakes batch 1 into its graph (a Reshape to [1, -1]) fails a
/// batched run, and from then on its batches run row by row.
/// </summary>
public sealed class OrtBackend : IModelBackend
{
    private readonly ModelProto _model;
    private readonly string? _path;
    private readonly OrtSessions _sessions;
    private readonly OrtGradients _gradients;
    private readonly Dictionary<string, (SuffixModel Model, IReadOnlySet<string> Repeated)> _suffixes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<TensorInfo>> _descriptions = new(StringComparer.Ordinal);
    private (Tensor Input, IReadOnlyDictionary<string, Tensor> Extras, OrtPass Pass)? _crossing;
    private bool _rowsOnly;
    private Explain.Engine.Onnx.OnnxModel? _graph;

    private readonly int _threads;

    private OrtBackend(ModelProto model, ModelFile? file, string? modelDirectory, ExecutionDevice device, int threads, GraphOptimizationLevel optimization, bool spinWait = true, bool placeWeights = false)
    {
        _path = file?.Path;
        _threads = threads;
        _model = model;
        ModelDirectory = modelDirectory;
        // The weights move out of the proto into native memory once; every edited copy below is then a few kilobytes.
        // On CUDA they are copied to the device once, and every session reads that copy (SharedInitializers.Place).
        // NOTE: TensorRT builds its engines from the weight values in the graph it is given (shared values are not
        // in it), so its sessions keep the weights in their own proto, as every GPU session did before.
        var initializers = SharedInitializers.Take(_model, share: device.Kind != DeviceKind.TensorRt, file);
        if (initializers.Count > 0)
            OrtSessions.CollectGarbage();
        _sessions = new OrtSessions(device, threads > 0 ? threads : Environment.ProcessorCount, ModelDirectory, initializers) { Optimization = optimization, SpinWait = spinWait };
        if (device.Kind == DeviceKind.Cuda || placeWeights)
            initializers.Place = _sessions.Memory;
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

    /// <summary>
    /// The same model as the managed engine reads it, on first use (only methods that read parameters ask): from its file,
    /// else from the weights written back. Described, not imported (<see cref="Explain.Engine.Onnx.OnnxModel.Describe(string)"/>):
    /// those methods read nodes and weights only, so operators the managed engine lacks (LRASPP's Resize) do not fail them.
    /// </summary>
    public Explain.Engine.Onnx.OnnxModel Graph => _graph ??= Explain.Engine.Onnx.OnnxModel.Describe(_path is not null ? File.ReadAllBytes(_path) : FullBytes(_model), ModelDirectory);

    /// <summary>The serialized model with its shared weights declared without data (what the gradient compiler reads: it needs no weight values).</summary>
    internal byte[] Bytes => Google.Protobuf.MessageExtensions.ToByteArray(_model);

    internal ModelProto Model => _model;

    internal OrtSessions Sessions => _sessions;

    internal OrtGradients GradientGraphs => _gradients;

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

    /// <summary>
    /// <see cref="Load(string, ExecutionDevice?, int, GraphOptimizationLevel, bool)"/> on the CPU with the weights placed
    /// as on a GPU (copied once into the device memory, every session reading that copy): the GPU's code path, testable here.
    /// </summary>
    internal static OrtBackend LoadPlaced(string onnxPath, int threads)
    {
        string path = Path.GetFullPath(onnxPath);
        var (model, file) = Read(path);
        return new OrtBackend(model, file, Path.GetDirectoryName(path), ExecutionDevice.Cpu, threads, GraphOptimizationLevel.ORT_ENABLE_ALL, placeWeights: true);
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
        return new OrtBackend(model, null, ModelDirectory, _sessions.Device, _threads, _sessions.Optimization, _sessions.SpinWait) { ExtraInputs = ExtraInputs };
    }

    public ForwardPass Forward(Tensor input, PassRequest request)
    {
        CheckInput(input);
        var observe = request.Observe.Where(o => !InputNames.Contains(o)).Distinct().ToList();
        foreach (var name in observe.Where(o => !_model.Graph.Node.Any(n => n.Output.Contains(o))))
            throw new ArgumentException($"the model has no tensor '{name}' to observe (explain layers lists them)");
        var pass = RunPass(input, request.Observe.Distinct().ToList(), keepInput: request.Gradients || request.InputGradients);
        _devicePasses.Keep(pass);
        return pass;
    }

    public Tensor RunFrom(Tensor input, string tensor, Tensor replacement, string output)
    {
        CheckInput(input);
        var (suffix, repeated) = Suffix(tensor, output, input);
        var session = _sessions.Get($"suffix:{tensor}\n{output}", () => suffix.Repeating(repeated));
        // NOTE: an int64 extra read after the cut would cross it unrepeated (only float crossing values get a Tile).
        if (suffix.Crossing.FirstOrDefault(c => ExtraInputs.TryGetValue(c, out var v) && v.Type != DataType.Float32) is { } direct)
            throw new ArgumentException($"re-running from '{tensor}': the layers after it read int64 extra input '{direct}' directly; choose a tensor after its first reader");
        var crossing = CrossingValues(input, suffix);
        int rows = replacement.Shape[0], inputBatch = input.Shape[0];
        var rowsValue = PassValue.Host(_sessions.Memory, tensor, replacement);
        // NOTE: the values crossing the cut stay on the device at the input's batch; the suffix repeats them to the
        // rows' batch itself (a Tile per crossing value, SuffixModel.Repeating), fed how many copies from here.
        return Run(session, (feeds, row) =>
        {
            rowsValue.BindTo(feeds, tensor, row, rows);
            foreach (var name in suffix.Crossing)
            {
                var value = crossing[name];
                bool batched = value.IsFloat && value.Shape.Length > 0 && value.Shape[0] == inputBatch;
                value.BindTo(feeds, name, row < 0 || !batched ? -1 : row % inputBatch, inputBatch);
                if (repeated.Contains(name))
                    feeds.Add(SuffixModel.RepeatsInput(name), Repeats(value.Shape.Length, batched && row < 0 ? rows / inputBatch : 1));
            }
        }, [output], [], rows).Host[output];
    }

    public IReadOnlyList<TensorInfo> DescribeTensors(IReadOnlyDictionary<string, int[]>? inputShapes = null)
    {
        var shapes = OnnxEdits.FedInputs(_model.Graph).ToDictionary(i => i.Name, i => inputShapes?.GetValueOrDefault(i.Name) ?? DeclaredShape(i));
        string key = string.Join(';', shapes.Select(s => s.Key + "=" + TensorShape.Format(s.Value)));
        if (!_descriptions.TryGetValue(key, out var description))
            _descriptions[key] = description = TensorDescriptions.Describe(this, shapes);
        return description;
    }

    /// <summary>Releases every pass's device values (values read stay readable), the crossing values, then the sessions.</summary>
    public void Dispose()
    {
        _devicePasses.DisposeAll();
        _crossing?.Pass.Dispose();
        _crossing = null;
        _sessions.Dispose();
    }

    /// <summary>How many passes keep their values on the device at once (<see cref="OnnxRuntime.DevicePasses.Max"/>).</summary>
    internal const int MaxDevicePasses = OnnxRuntime.DevicePasses.Max;

    private readonly DevicePasses _devicePasses = new();

    /// <summary>The passes holding device values now, least recently used first.</summary>
    internal IReadOnlyList<OrtPass> DevicePasses => _devicePasses.Passes;

    internal DeviceMemory Memory => _sessions.Memory;

    /// <summary>Takes a disposed pass out of the device cache.</summary>
    internal void Forget(OrtPass pass) => _devicePasses.Forget(pass);

    /// <summary>Marks <paramref name="pass"/> most recently used (its gradients are being taken).</summary>
    internal void Touch(OrtPass pass) => _devicePasses.Touch(pass);

    internal IReadOnlyDictionary<string, Tensor> GradientsOf(OrtPass pass, string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at) =>
        _gradients.Run(pass, output, seeds, mode, at);

    /// <summary>
    /// One forward run observing <paramref name="requested"/>: model outputs bound to the host (every caller reads
    /// the scores), observed tensors to the device, left there for the passes that feed on them and copied to the
    /// host on first read. <paramref name="keepInput"/>: the input is copied to the device once, for the gradient
    /// runs that read it again; otherwise it is bound where it lies and ONNX Runtime copies it for this run only.
    /// </summary>
    private OrtPass RunPass(Tensor input, IReadOnlyList<string> requested, bool keepInput)
    {
        var observe = requested.Where(o => !InputNames.Contains(o)).ToList();
        var session = ForwardSession(observe);
        var memory = _sessions.Memory;
        var inputValue = keepInput ? PassValue.Uploaded(memory, InputNames[0], input) : PassValue.Host(memory, InputNames[0], input);
        try
        {
            var onDevice = observe.Where(o => !OutputNames.Contains(o)).ToList();
            var (host, device) = Run(session, (feeds, row) =>
            {
                inputValue.BindTo(feeds, InputNames[0], row, input.Shape[0]);
                BindExtras(feeds, row, input.Shape[0]);
            }, OutputNames, onDevice, input.Shape[0]);
            var values = new Dictionary<string, PassValue>(StringComparer.Ordinal);
            foreach (var name in requested)
                values[name] = name == InputNames[0] ? inputValue
                    : ExtraInputs.TryGetValue(name, out var extra) ? PassValue.Host(memory, name, ExtraInputFeeds.ToBatch(name, extra, input.Shape[0]))
                    : device.TryGetValue(name, out var v) ? PassValue.Device(memory, name, v) : PassValue.Host(memory, name, host[name]);
            return new OrtPass(this, inputValue, OutputNames.ToDictionary(o => o, o => host[o]), values, ExtraInputs);
        }
        catch
        {
            inputValue.Dispose();
            throw;
        }
    }




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

    /// <summary>
    /// Runs <paramref name="session"/>, fed by <paramref name="feed"/> (row -1: the whole batch), <paramref name="toHost"/>
    /// read on the host and <paramref name="toDevice"/> left on the device (the caller owns those). A batch the graph
    /// cannot take whole (batch 1 baked in) runs row by row, and then everything comes back stacked on the host.
    /// </summary>
    private (Dictionary<string, Tensor> Host, Dictionary<string, OrtValue> Device) Run(InferenceSession session, Action<Feeds, int> feed, IReadOnlyList<string> toHost, IReadOnlyList<string> toDevice, int batch)
    {
        if (batch > 1 && _rowsOnly)
            return (RowByRow(session, feed, toHost.Concat(toDevice).Distinct().ToList(), batch), []);
        var outputs = toHost.Concat(toDevice).Distinct().ToList();
        Dictionary<string, OrtValue> values;
        try
        {
            using var feeds = new Feeds(_sessions.Memory);
            feed(feeds, -1);
            values = OrtRuns.Run(session, feeds, outputs, toDevice.Contains);
        }
        catch (OnnxRuntimeException) when (batch > 1)
        {
            // NOTE: the batched run failed and a single row may still succeed (a fixed batch in a Reshape);
            // a row-by-row run that fails too surfaces its own error.
            _rowsOnly = true;
            return (RowByRow(session, feed, outputs, batch), []);
        }
        try
        {
            var host = toHost.ToDictionary(o => o, o => OrtValues.ToTensor(values[o], o), StringComparer.Ordinal);
            foreach (var name in toHost.Where(o => !toDevice.Contains(o)))
                _sessions.Memory.Free(values[name]);
            return (host, toDevice.ToDictionary(o => o, o => values[o], StringComparer.Ordinal));
        }
        catch
        {
            foreach (var value in values.Values)
                _sessions.Memory.Free(value);
            throw;
        }
    }

    /// <summary>
    /// The token of the explain call running on this thread (<see cref="IModelBackend.Cancellation"/>; <see cref="OrtRuns.Cancellation"/>).
    /// </summary>
    CancellationToken IModelBackend.Cancellation
    {
        get => OrtRuns.Cancellation;
        set => OrtRuns.Cancellation = value;
    }

    /// <summary>One run of <paramref name="session"/> on host tensors, its outputs read on the host (the shared-weights tests' sessions).</summary>
    internal Dictionary<string, Tensor> RunOnce(InferenceSession session, IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string> outputs)
    {
        using var feeds = new Feeds(_sessions.Memory);
        foreach (var (name, value) in inputs)
            feeds.Add(name, value);
        return OrtRuns.RunToHost(session, feeds, outputs);
    }

    private Dictionary<string, Tensor> RowByRow(InferenceSession session, Action<Feeds, int> feed, IReadOnlyList<string> outputs, int batch)
    {
        var rows = Enumerable.Range(0, batch).Select(r =>
        {
            using var feeds = new Feeds(_sessions.Memory);
            feed(feeds, r);
            return OrtRuns.RunToHost(session, feeds, outputs);
        }).ToList();
        return outputs.Distinct().ToDictionary(o => o, o => Stack(rows.Select(r => r[o]).ToList()), StringComparer.Ordinal);
    }

    /// <summary>Ablation-CAM's suffix after <paramref name="tensor"/>, and which of its crossing inputs it repeats to the rows' batch (the float ones with a batch dimension).</summary>
    private (SuffixModel Model, IReadOnlySet<string> Repeated) Suffix(string tensor, string output, Tensor input)
    {
        string key = tensor + "\n" + output;
        if (_suffixes.TryGetValue(key, out var suffix))
            return suffix;
        if (!InputNames.Contains(tensor) && !_model.Graph.Node.Any(n => n.Output.Contains(tensor)))
            throw new ArgumentException($"the model has no tensor '{tensor}' to re-run from");
        // Types and ranks of the suffix's inputs (the tensor and those crossing the cut) come from one forward pass observing them,
        // read from ONNX Runtime's type info: none of them is copied to the host.
        var inputs = new List<string>();
        SuffixModel.Cut(_model, tensor, output, name =>
        {
            inputs.Add(name);
            return new ValueInfoProto { Name = name };
        });
        Dictionary<string, (int, int)> types;
        using (var probe = RunPass(input, inputs.Distinct().ToList(), keepInput: false))
            types = probe.Values.ToDictionary(o => o.Key, o => ((int)o.Value.ElementType, o.Value.Shape.Length));
        var model = SuffixModel.Cut(_model, tensor, output, types);
        var repeated = model.Crossing.Where(c => types[c] is (1, > 0)).ToHashSet(StringComparer.Ordinal);
        return _suffixes[key] = (model, repeated);
    }

    /// <summary>The values crossing the cut for <paramref name="input"/>, on the device: one forward pass per input, kept until another input asks (or disposal).</summary>
    private IReadOnlyDictionary<string, PassValue> CrossingValues(Tensor input, SuffixModel suffix)
    {
        if (suffix.Crossing.Count == 0)
            return new Dictionary<string, PassValue>();
        if (_crossing is { } cached && ReferenceEquals(cached.Input, input) && ReferenceEquals(cached.Extras, ExtraInputs) && suffix.Crossing.All(cached.Pass.Values.ContainsKey))
            return cached.Pass.Values;
        _crossing?.Pass.Dispose();
        _crossing = null;
        var pass = RunPass(input, suffix.Crossing, keepInput: false);
        _crossing = (input, ExtraInputs, pass);
        return pass.Values;
    }

    private void CheckInput(Tensor input)
    {
        if (input.Rank == 0)
            throw new ArgumentException("the input must have a batch dimension");
        ExtraInputFeeds.Check(DeclaredInputs, ExtraInputs);
    }

    public IReadOnlyDictionary<string, Tensor> ExtraInputs { get; set; } = new Dictionary<string, Tensor>();

    public void CheckExtraInputs(IReadOnlyDictionary<string, Tensor> extras) => ExtraInputFeeds.Check(DeclaredInputs, extras);

    /// <summary>The fed graph inputs as declared (name, dimensions with -1 where symbolic, element type), for <see cref="ExtraInputFeeds.Check"/>.</summary>
    private IReadOnlyList<Explain.Engine.Onnx.ValueInfo> DeclaredInputs => _declaredInputs ??= OnnxEdits.FedInputs(_model.Graph).Select(i => new Explain.Engine.Onnx.ValueInfo(i.Name,
        i.Type?.TensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int)d.DimValue : -1).ToArray() ?? [],
        ((TensorProto.Types.DataType)(i.Type?.TensorType?.ElemType ?? 0)).ToString().ToLowerInvariant())).ToList();

    private IReadOnlyList<Explain.Engine.Onnx.ValueInfo>? _declaredInputs;

    /// <summary>
    /// Binds <see cref="ExtraInputs"/> for a run of batch <paramref name="batch"/> (row <paramref name="row"/> of it, or whole when -1):
    /// a batch-1 value whole for a single row, repeated to the batch for a whole run; a value at the pass's batch as the image is.
    /// </summary>
    internal void BindExtras(Feeds feeds, int row, int batch, IReadOnlyDictionary<string, Tensor>? extras = null)
    {
        foreach (var (name, value) in extras ?? ExtraInputs)
        {
            if (row >= 0 && value.Shape[0] == batch && batch > 1)
                PassValue.Host(_sessions.Memory, name, value).BindTo(feeds, name, row, batch);
            else
                feeds.Add(name, row >= 0 ? value : ExtraInputFeeds.ToBatch(name, value, batch));
        }
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

    /// <summary>Tile's repeats for a crossing value of rank <paramref name="rank"/>: <paramref name="copies"/> along dimension 0.</summary>
    private static Tensor Repeats(int rank, int copies)
    {
        var repeats = new long[rank];
        Array.Fill(repeats, 1L);
        repeats[0] = copies;
        return Tensor.FromInt64(repeats, rank);
    }

    private static Tensor Stack(IReadOnlyList<Tensor> rows)
    {
        int[] shape = [rows.Sum(r => r.Shape[0]), .. rows[0].Shape[1..]];
        if (rows[0].Type != DataType.Float32)
            return Tensor.FromInt64(rows.SelectMany(r => r.Longs).ToArray(), shape);
        return Tensor.FromArray(rows.SelectMany(r => r.Floats).ToArray(), shape);
    }
}
