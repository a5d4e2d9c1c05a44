using Explain.Engine.Onnx.Proto;
using Explain.Engine.Errors;
using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Google.Protobuf;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// Static shapes of every tensor computed at run time. From a <see cref="TensorShapeProbe"/> (the
/// backend that runs the graph: ONNX Runtime runs the model once on zeros of the declared input
/// shapes, a symbolic batch as 1) the tensors computed at run time are those that depend on a fed
/// input; shapes of the others (folded constants) are kept for the rules that read them. Without a
/// probe, the managed engine's planner (Session.DescribeTensors, optimizations off so no tensor is
/// fused away) folds every constant subgraph, so tensors missing from its result are constants.
/// </summary>
internal static class StaticShapes
{
    public static (Dictionary<string, int[]> Runtime, Dictionary<string, int[]> All) Plan(ModelProto model, TensorShapeProbe? probe, int batch = 1)
    {
        if (batch < 1)
            throw new ArgumentException($"a gradient graph's batch is at least 1, not {batch}");
        if (probe is null)
        {
            if (batch != 1)
                throw new ArgumentException("a gradient graph for a batch above 1 needs a shape probe (the backend that runs it)");
            var planned = PlanWithEngine(model);
            return (planned, new Dictionary<string, int[]>(planned, StringComparer.Ordinal));
        }
        var graph = model.Graph;
        var initializers = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var fed = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
        var all = new Dictionary<string, int[]>(probe(fed.ToDictionary(i => i.Name, i => AtBatch(DeclaredShape(i), batch))), StringComparer.Ordinal);
        var dependent = fed.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
            if (node.Input.Any(dependent.Contains))
                dependent.UnionWith(node.Output.Where(o => o.Length > 0));
        return (all.Where(s => dependent.Contains(s.Key)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal), all);
    }

    /// <summary><paramref name="shape"/> with its leading (batch) dimension <paramref name="batch"/>; unchanged at batch 1 or for a scalar.</summary>
    private static int[] AtBatch(int[] shape, int batch) => batch == 1 || shape.Length == 0 ? shape : [batch, .. shape[1..]];

    /// <summary>The declared shape of a fed input; a symbolic leading (batch) dimension is 1, any other symbolic one an error.</summary>
    private static int[] DeclaredShape(ValueInfoProto input)
    {
        var dims = input.Type?.TensorType?.Shape?.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue ? (int)d.DimValue : -1).ToArray() ?? [];
        if (dims.Length > 0 && dims[0] < 0)
            dims[0] = 1;
        if (dims.Any(d => d < 0))
            throw new ArgumentException($"input '{input.Name}' has symbolic dimensions beyond the batch; the gradient graph needs static shapes");
        return dims;
    }

    private static Dictionary<string, int[]> PlanWithEngine(ModelProto model)
    {
        try
        {
            var engineModel = OnnxModel.Load(model.ToByteArray());
            var session = new Session(engineModel, new SessionOptions { Optimize = false });
            return session.DescribeTensors().ToDictionary(t => t.Name, t => t.Shape, StringComparer.Ordinal);
        }
        catch (EngineException e)
        {
            throw new ArgumentException($"cannot plan the model's static shapes (the managed engine's planner does this): {e.Message}", e);
        }
    }
}
