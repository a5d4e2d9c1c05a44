using Explain.Engine.Onnx.Proto;
using Google.Protobuf;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// The part of a graph after one tensor, cut out as a model of its own (Ablation-CAM re-runs only
/// the layers after the target layer, Desai &amp; Ramaswamy 2020 §3): its first input is the
/// tensor; tensors the suffix reads from before the cut (a skip connection crossing it) are
/// further inputs, fed from the full model's forward pass. Constant-only nodes the suffix needs
/// come along. Its one output is the requested output.
/// </summary>
internal sealed record SuffixModel(ModelProto Model, string Tensor, IReadOnlyList<string> Crossing, IReadOnlySet<string> Computed)
{
    /// <summary>Whether the suffix computes <paramref name="name"/> (a tensor after the cut on the way to the output).</summary>
    public bool Contains(string name) => Computed.Contains(name);

    /// <summary>The serialized model (its shared weights declared without data, see <see cref="SharedInitializers"/>).</summary>
    public byte[] Bytes => Model.ToByteArray();

    public static SuffixModel Cut(ModelProto model, string tensor, string output, IReadOnlyDictionary<string, (int ElemType, int Rank)> types) =>
        Cut(model, tensor, output, name => Input(name, types[name]))!;

    /// <summary>
    /// The suffix with the inputs <paramref name="inputOf"/> declares for the cut tensor and every
    /// crossing tensor, or null when it does not know one of them (their batch dimension becomes symbolic).
    /// </summary>
    public static SuffixModel? Cut(ModelProto model, string tensor, string output, Func<string, ValueInfoProto?> inputOf)
    {
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        var downstream = new HashSet<string>(StringComparer.Ordinal) { tensor };
        var constant = new HashSet<string>(initializers, StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            if (node.Input.Any(downstream.Contains))
                downstream.UnionWith(node.Output);
            else if (node.Input.All(i => i.Length == 0 || constant.Contains(i)))
                constant.UnionWith(node.Output);
        }
        if (!downstream.Contains(output) || tensor == output)
            throw new ArgumentException($"output '{output}' does not depend on tensor '{tensor}'; nothing to re-run from it");

        var producers = new Dictionary<string, NodeProto>(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            foreach (var o in node.Output.Where(o => o.Length > 0))
                producers[o] = node;
        var needed = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        var crossing = new List<string>();
        var stack = new Stack<string>([output]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stack.Count > 0)
        {
            string name = stack.Pop();
            if (name.Length == 0 || name == tensor || initializers.Contains(name) || !seen.Add(name))
                continue;
            if (!producers.TryGetValue(name, out var node) || !downstream.Contains(name) && !constant.Contains(name))
            {
                crossing.Add(name);
                continue;
            }
            if (needed.Add(node))
                foreach (var i in node.Input)
                    stack.Push(i);
        }

        var copy = model.Clone();
        var cut = copy.Graph;
        cut.Node.Clear();
        cut.Node.AddRange(graph.Node.Where(needed.Contains).Select(n => n.Clone()));
        var used = cut.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        var kept = graph.Initializer.Where(t => used.Contains(t.Name)).Select(t => t.Clone()).ToList();
        cut.Initializer.Clear();
        cut.Initializer.AddRange(kept);
        // IR < 4 lists initializers among the inputs too; keep those entries for the ones kept.
        var initializerInputs = graph.Input.Where(i => initializers.Contains(i.Name) && used.Contains(i.Name)).Select(i => i.Clone()).ToList();
        cut.Input.Clear();
        foreach (var name in crossing.Prepend(tensor))
        {
            if (inputOf(name) is not { } declared)
                return null;
            cut.Input.Add(declared);
        }
        cut.Input.AddRange(initializerInputs);
        var scores = graph.Output.FirstOrDefault(o => o.Name == output)?.Clone() ?? new ValueInfoProto { Name = output };
        cut.Output.Clear();
        cut.Output.Add(scores);
        OnnxEdits.MakeBatchSymbolic(copy);
        return new SuffixModel(copy, tensor, crossing, cut.Node.SelectMany(n => n.Output).Where(o => o.Length > 0).ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The input that says how many copies of crossing value <paramref name="name"/> the rows need (<see cref="Repeating"/>).</summary>
    public static string RepeatsInput(string name) => "explain.repeats:" + name;

    /// <summary>
    /// A copy of the model whose crossing inputs in <paramref name="repeated"/> are repeated along dimension 0 inside
    /// the graph: each gets a Tile (ONNX Tile-6, repeats fed as input <see cref="RepeatsInput"/>) before its readers.
    /// NOTE: the crossing values come from one forward pass of the input (batch B) and the replacement rows are N;
    /// repeating them in the graph lets them stay on the device at batch B and the copies be made there, where a
    /// host repeat would bring each one back and send N/B copies per chunk. Repeats of 1 (a single row, a value
    /// without the batch dimension) make the Tile a copy.
    /// </summary>
    public ModelProto Repeating(IReadOnlySet<string> repeated)
    {
        var copy = Model.Clone();
        var graph = copy.Graph;
        string Tiled(string name) => "explain.tiled:" + name;
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Input.Count; i++)
                if (repeated.Contains(node.Input[i]))
                    node.Input[i] = Tiled(node.Input[i]);
        foreach (var name in Crossing.Where(repeated.Contains).Reverse())
        {
            var repeats = new TensorShapeProto();
            repeats.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "rank" });
            graph.Input.Add(new ValueInfoProto { Name = RepeatsInput(name), Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 7, Shape = repeats } } });
            graph.Node.Insert(0, new NodeProto { OpType = "Tile", Name = Tiled(name), Input = { name, RepeatsInput(name) }, Output = { Tiled(name) } });
        }
        return copy;
    }

    /// <summary>A float32 input of exactly <paramref name="shape"/>.</summary>
    public static ValueInfoProto StaticInput(string name, int[] shape)
    {
        var dims = new TensorShapeProto();
        foreach (int d in shape)
            dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = dims } } };
    }

    private static ValueInfoProto Input(string name, (int ElemType, int Rank) type)
    {
        var shape = new TensorShapeProto();
        for (int d = 0; d < type.Rank; d++)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = $"{name}_d{d}" });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = type.ElemType, Shape = shape } } };
    }
}
