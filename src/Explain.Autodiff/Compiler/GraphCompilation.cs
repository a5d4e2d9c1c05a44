using Explain.Engine.Onnx.Proto;
using Explain.Autodiff.Rules;
using Google.Protobuf;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// One compilation: read the model, find the path from the observed tensors to the scores,
/// append one backward node group per path node in reverse topological order (accumulating
/// gradients of tensors with several consumers with Sum), and expose the results as graph outputs.
/// </summary>
internal static class GraphCompilation
{
    public const string SeedName = "explain.seed";
    private const int LowestOpset = 11;

    public static GradientGraph Run(byte[] bytes, GradientRequest request, string? modelDirectory, TensorShapeProbe? probe)
    {
        var model = ModelProto.Parser.ParseFrom(bytes);
        int opset = (int)(model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0);
        if (opset < LowestOpset)
            throw new ArgumentException($"the model's opset {opset} is below {LowestOpset}, the lowest the gradient compiler emits");
        var graph = model.Graph;
        ExternalData.Inline(graph, modelDirectory);
        var (runtime, planned) = StaticShapes.Plan(model, probe, request.Batch);
        var types = ElementTypes.Infer(graph);
        var shapes = ConstantShapes.With(graph, planned);

        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputs = graph.Input.Select(i => i.Name).Where(n => !initializers.Contains(n)).ToList();
        var observed = Observed(request, inputs);
        foreach (var name in observed.Append(request.ScoresOutput))
            Validate(name, types, runtime, initializers);

        var path = GradientPath.Find(graph, observed, request.ScoresOutput, runtime, types);
        foreach (var name in observed.Where(n => !path.Contains(n)))
            throw new ArgumentException($"observed tensor '{name}' does not reach the scores '{request.ScoresOutput}': its gradient is zero");

        var emitter = new Emitter(opset, SeedName);
        var grads = Backward(graph, request, emitter, shapes, new Constants(graph), path);

        var scoreShape = shapes[request.ScoresOutput];
        var activations = new Dictionary<string, string>(StringComparer.Ordinal);
        var gradients = new Dictionary<string, string>(StringComparer.Ordinal);
        var outputs = new List<ValueInfoProto> { Value(request.ScoresOutput, scoreShape, null) };
        foreach (var name in observed)
        {
            var shape = shapes[name];
            activations[name] = Output(emitter, "Identity", [name], $"explain.activation/{name}");
            outputs.Add(Value(activations[name], shape, null));
            var batchless = shape.Length > 0 && shape[0] == 1 ? shape[1..] : shape;
            gradients[name] = Output(emitter, "Reshape", [Sum(emitter, grads[name]), emitter.Shape([-1L, .. batchless.Select(d => (long)d)])], $"explain.gradient/{name}");
            outputs.Add(Value(gradients[name], batchless, "K"));
        }

        FixInputShapes(graph, shapes, initializers);
        var seedShape = scoreShape.Length > 0 && scoreShape[0] == 1 ? scoreShape[1..] : scoreShape;
        graph.Input.Add(Value(SeedName, seedShape, "K"));
        graph.Output.Clear();
        graph.Output.AddRange(outputs);
        graph.Node.AddRange(emitter.Nodes);
        graph.Initializer.AddRange(emitter.Initializers);
        model.ProducerName = string.IsNullOrEmpty(model.ProducerName) ? "Explain.Autodiff" : model.ProducerName + "+Explain.Autodiff";
        return new GradientGraph(model.ToByteArray(), SeedName, request.ScoresOutput, inputs,
            inputs.ToDictionary(n => n, n => shapes[n]), activations, gradients);
    }

    private static List<string> Observed(GradientRequest request, List<string> inputs)
    {
        var observed = request.Observed.ToList();
        if (request.IncludeInputGradient)
        {
            if (inputs.Count == 0)
                throw new ArgumentException("the model has no graph input to differentiate");
            observed.Add(inputs[0]);
        }
        if (observed.Count == 0)
            throw new ArgumentException("the request observes no tensor");
        return observed.Distinct(StringComparer.Ordinal).ToList();
    }

    private static void Validate(string name, Dictionary<string, int> types, IReadOnlyDictionary<string, int[]> shapes, HashSet<string> initializers)
    {
        if (!types.TryGetValue(name, out int type))
            throw new ArgumentException($"no tensor named '{name}' in the model");
        if (type != ElementTypes.Float)
            throw new ArgumentException($"tensor '{name}' is {ElementTypes.Name(type)}: gradients exist only for float32 tensors");
        if (initializers.Contains(name) || !shapes.ContainsKey(name))
            throw new ArgumentException($"tensor '{name}' is a constant of the model (an initializer or folded from constants): it has no gradient");
    }

    private static Dictionary<string, List<string>> Backward(GraphProto graph, GradientRequest request, Emitter emitter,
        IReadOnlyDictionary<string, int[]> shapes, Constants constants, IReadOnlySet<string> path)
    {
        var grads = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var scoreShape = shapes[request.ScoresOutput];
        grads[request.ScoresOutput] = [emitter.ReshapeK(SeedName, scoreShape)];
        foreach (var node in graph.Node.Reverse())
        {
            if (!node.Input.Any(path.Contains) || !node.Output.Any(grads.ContainsKey))
                continue;
            var outGrads = node.Output.Select(o => grads.TryGetValue(o, out var g) ? Sum(emitter, g) : null).ToArray();
            var context = new RuleContext(node, emitter, shapes, constants, request.Mode, path);
            var rule = RuleRegistry.Find(node.OpType)
                ?? throw context.Fail("the op has no gradient rule (it lies on the path from an observed tensor to the scores)");
            var inGrads = rule(context, outGrads);
            for (int i = 0; i < inGrads.Length; i++)
                if (inGrads[i] is { } g && context.Needs(i))
                    (grads.TryGetValue(node.Input[i], out var list) ? list : grads[node.Input[i]] = []).Add(g);
        }
        return grads;
    }

    private static string Sum(Emitter e, List<string> parts)
    {
        if (parts.Count > 1)
        {
            var total = e.Node("Sum", parts);
            parts.Clear();
            parts.Add(total);
        }
        return parts[0];
    }

    private static string Output(Emitter e, string op, string[] inputs, string name)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        e.Nodes.Add(node);
        return name;
    }

    private static void FixInputShapes(GraphProto graph, IReadOnlyDictionary<string, int[]> shapes, HashSet<string> initializers)
    {
        // NOTE: the emitted Reshape targets bake in the planned shapes, so the inputs are pinned to
        // them (a symbolic batch becomes 1) and ORT rejects any other shape with a clear error.
        foreach (var input in graph.Input.Where(i => !initializers.Contains(i.Name) && shapes.ContainsKey(i.Name)))
        {
            var shape = new TensorShapeProto();
            foreach (int d in shapes[input.Name])
                shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
            input.Type.TensorType.Shape = shape;
        }
    }

    private static ValueInfoProto Value(string name, int[] shape, string? leading)
    {
        var dims = new TensorShapeProto();
        if (leading is not null)
            dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = leading });
        foreach (int d in shape)
            dims.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = ElementTypes.Float, Shape = dims } },
        };
    }
}
