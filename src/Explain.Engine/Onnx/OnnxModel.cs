using Explain.Engine.Errors;
using Explain.Engine.Onnx.Proto;
using Explain.Engine.Tensors;
using Google.Protobuf;

namespace Explain.Engine.Onnx;

/// <summary>
/// An imported ONNX model: nodes, constant initializers, graph inputs and outputs, and the opset of
/// the default domain. Immutable after load; sessions share it.
/// </summary>
public sealed class OnnxModel
{
    private OnnxModel(IReadOnlyList<OnnxNode> nodes, IReadOnlyDictionary<string, Tensor> initializers,
        IReadOnlyList<ValueInfo> inputs, IReadOnlyList<ValueInfo> outputs, int opset, string producer, IReadOnlyList<string>? unsupported = null)
    {
        UnsupportedOperators = unsupported ?? [];
        Nodes = nodes;
        Initializers = initializers;
        Inputs = inputs;
        Outputs = outputs;
        Opset = opset;
        Producer = producer;
    }

    /// <summary>Nodes in a topological order.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; }

    public IReadOnlyDictionary<string, Tensor> Initializers { get; }

    /// <summary>Graph inputs that the caller feeds (inputs with an initializer are constants, not listed).</summary>
    public IReadOnlyList<ValueInfo> Inputs { get; }

    public IReadOnlyList<ValueInfo> Outputs { get; }

    /// <summary>Opset version of the default ONNX domain.</summary>
    public int Opset { get; }

    public string Producer { get; }

    /// <summary>
    /// The operators the engine lacks, when the model was read by <see cref="Describe(string)"/> (empty otherwise):
    /// a <see cref="Graph.Session"/> of such a model fails naming them, as <see cref="Load(byte[], string?)"/> would.
    /// </summary>
    public IReadOnlyList<string> UnsupportedOperators { get; }

    /// <summary>Constants derived from initializers by graph optimizations (folded BatchNorm weights),
    /// shared by every session of this model so each holds no copy of its own.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, Tensor> Derived { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The same graph with some initializers replaced by tensors of the same shape (the sanity
    /// check's re-drawn parameters); a new model with its own derived-constant cache.
    /// </summary>
    public OnnxModel WithInitializers(IReadOnlyDictionary<string, Tensor> replaced)
    {
        var initializers = new Dictionary<string, Tensor>(Initializers, StringComparer.Ordinal);
        foreach (var (name, value) in replaced)
        {
            if (!initializers.TryGetValue(name, out var old))
                throw new ArgumentException($"the model has no initializer '{LogText.Of(name)}'");
            if (!old.Shape.SequenceEqual(value.Shape))
                throw new ArgumentException($"initializer '{LogText.Of(name)}' has shape {TensorShape.Format(old.Shape)}, not {TensorShape.Format(value.Shape)}");
            initializers[name] = value;
        }
        return new OnnxModel(Nodes, initializers, Inputs, Outputs, Opset, Producer, UnsupportedOperators);
    }

    public static OnnxModel Load(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"model file '{path}' not found", path);
        return Load(File.ReadAllBytes(path), Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <param name="bytes">A serialized ModelProto.</param>
    /// <param name="externalDataDirectory">The folder external tensor data is resolved against.</param>
    public static OnnxModel Load(byte[] bytes, string? externalDataDirectory = null) => Read(bytes, externalDataDirectory, describeOnly: false);

    /// <summary>
    /// The graph of a model another backend runs (ONNX Runtime), for reading only: nodes, initializers, inputs and
    /// outputs, with the structural checks of <see cref="Load(byte[], string?)"/> but operators the engine lacks kept
    /// (<see cref="UnsupportedOperators"/>). What admission counts FLOPs from and parameter methods read weights from.
    /// </summary>
    public static OnnxModel Describe(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"model file '{path}' not found", path);
        return Describe(File.ReadAllBytes(path), Path.GetDirectoryName(Path.GetFullPath(path)));
    }

    /// <inheritdoc cref="Describe(string)"/>
    public static OnnxModel Describe(byte[] bytes, string? externalDataDirectory = null) => Read(bytes, externalDataDirectory, describeOnly: true);

    private static OnnxModel Read(byte[] bytes, string? externalDataDirectory, bool describeOnly)
    {
        ModelProto proto;
        try
        {
            proto = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"not a readable ONNX model ({bytes.Length} bytes): {e.Message}", e);
        }
        var graph = proto.Graph;
        if (graph is null || graph.Node.Count == 0 || graph.Output.Count == 0)
            throw new OnnxFormatException($"not an ONNX model: no graph, nodes or outputs in {bytes.Length} bytes");
        int opset = OpsetOf(proto);
        var initializers = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var t in graph.Initializer)
            initializers[t.Name] = OnnxTensors.FromProto(t, externalDataDirectory);
        var nodes = graph.Node.Select((n, i) => ToNode(n, i, externalDataDirectory)).ToList();
        var inputs = graph.Input.Where(i => !initializers.ContainsKey(i.Name)).Select(ToValueInfo).ToList();
        var outputs = graph.Output.Select(ToValueInfo).ToList();
        var unsupported = describeOnly ? Graph.GraphValidator.Unsupported(nodes, opset) : null;
        nodes = describeOnly
            ? Graph.GraphValidator.Order(nodes, initializers.Keys, inputs.Select(i => i.Name))
            : Graph.GraphValidator.Validate(nodes, initializers.Keys, inputs.Select(i => i.Name), opset);
        var produced = new HashSet<string>(nodes.SelectMany(n => n.Outputs).Concat(initializers.Keys).Concat(inputs.Select(i => i.Name)));
        foreach (var o in outputs.Where(o => !produced.Contains(o.Name)))
            throw new GraphException($"graph output '{o.Name}' is not produced by any node");
        return new OnnxModel(nodes, initializers, inputs, outputs, opset, $"{proto.ProducerName} {proto.ProducerVersion}".Trim(), unsupported);
    }

    private static int OpsetOf(ModelProto proto)
    {
        foreach (var o in proto.OpsetImport)
            if (o.Domain is "" or "ai.onnx")
                return (int)o.Version;
        // IR version 2 models predate opset_import and mean opset 1. A model importing only other
        // domains (training, ML) gets 0: its nodes are then reported as unsupported operators.
        return proto.OpsetImport.Count == 0 ? 1 : 0;
    }

    private static OnnxNode ToNode(NodeProto n, int index, string? dir)
    {
        string name = n.Name.Length > 0 ? n.Name : n.Output.Count > 0 ? n.Output[0] : $"{n.OpType}_{index}";
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var a in n.Attribute)
            attributes[a.Name] = AttributeValue(a, name, dir);
        int outputs = n.Output.Count;
        while (outputs > 0 && n.Output[outputs - 1].Length == 0) outputs--;
        return new OnnxNode(n.Name, n.OpType, n.Domain, n.Input.ToArray(), n.Output.ToArray(), new NodeAttributes(name, attributes) { OutputCount = outputs });
    }

    private static object AttributeValue(AttributeProto a, string node, string? dir)
    {
        var type = a.Type != AttributeProto.Types.AttributeType.Undefined ? a.Type : InferType(a);
        return type switch
        {
            AttributeProto.Types.AttributeType.Float => a.F,
            AttributeProto.Types.AttributeType.Int => a.I,
            AttributeProto.Types.AttributeType.String => a.S.ToStringUtf8(),
            AttributeProto.Types.AttributeType.Tensor => OnnxTensors.FromProto(a.T, dir),
            AttributeProto.Types.AttributeType.Floats => a.Floats.ToArray(),
            AttributeProto.Types.AttributeType.Ints => a.Ints.ToArray(),
            AttributeProto.Types.AttributeType.Strings => a.Strings.Select(s => s.ToStringUtf8()).ToArray(),
            _ => throw new UnsupportedFeatureException($"node '{node}': attribute '{a.Name}' of type {type} (subgraphs and sparse tensors are not supported)"),
        };
    }

    // Models written before IR version 3 may omit the attribute type; the populated field tells it.
    private static AttributeProto.Types.AttributeType InferType(AttributeProto a) =>
        a.Ints.Count > 0 ? AttributeProto.Types.AttributeType.Ints
        : a.Floats.Count > 0 ? AttributeProto.Types.AttributeType.Floats
        : a.Strings.Count > 0 ? AttributeProto.Types.AttributeType.Strings
        : a.T is not null ? AttributeProto.Types.AttributeType.Tensor
        : !a.S.IsEmpty ? AttributeProto.Types.AttributeType.String
        : a.F != 0 ? AttributeProto.Types.AttributeType.Float
        : AttributeProto.Types.AttributeType.Int;

    private static ValueInfo ToValueInfo(ValueInfoProto v)
    {
        if (v.Type is not null && v.Type.TensorType is null)
            throw new UnsupportedFeatureException($"graph value '{v.Name}' is not a tensor (sequence, map and optional types are not supported)");
        var tensorType = v.Type?.TensorType;
        int[] shape = tensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int)d.DimValue : -1).ToArray() ?? [];
        string elem = tensorType is null ? "unknown" : ((TensorProto.Types.DataType)tensorType.ElemType).ToString().ToLowerInvariant();
        return new ValueInfo(v.Name, shape, elem);
    }
}
