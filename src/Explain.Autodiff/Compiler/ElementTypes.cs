using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Compiler;

/// <summary>
/// The element type of every tensor of the graph, from the declared inputs, the initializers and
/// each op's output-type rule (ONNX operator specs). Only float32 tensors are differentiable;
/// integer and bool tensors (shape arithmetic, comparisons, indices) cut the gradient path.
/// </summary>
internal static class ElementTypes
{
    public const int Float = (int)TensorProto.Types.DataType.Float;
    public const int Int64 = (int)TensorProto.Types.DataType.Int64;
    public const int Bool = (int)TensorProto.Types.DataType.Bool;

    private static readonly HashSet<string> Int64Outputs = ["Shape", "Size", "ArgMax", "ArgMin", "NonZero", "NonMaxSuppression"];
    private static readonly HashSet<string> BoolOutputs = ["Equal", "Greater", "GreaterOrEqual", "Less", "LessOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf"];

    public static Dictionary<string, int> Infer(GraphProto graph)
    {
        var types = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var init in graph.Initializer)
            types[init.Name] = init.DataType;
        foreach (var input in graph.Input)
            if (input.Type?.TensorType is { } t)
                types.TryAdd(input.Name, t.ElemType);
        foreach (var node in graph.Node)
            for (int i = 0; i < node.Output.Count; i++)
                if (node.Output[i].Length > 0)
                    types[node.Output[i]] = OutputType(node, i, types);
        return types;
    }

    public static string Name(int type) => Enum.IsDefined(typeof(TensorProto.Types.DataType), type)
        ? ((TensorProto.Types.DataType)type).ToString().ToLowerInvariant()
        : $"type {type}";

    private static int OutputType(NodeProto node, int output, Dictionary<string, int> types)
    {
        int In(int i) => node.Input.Count > i && types.TryGetValue(node.Input[i], out int t) ? t : 0;
        switch (node.OpType)
        {
            case "Cast": return (int)node.Int("to", Float);
            case "CastLike": return In(1);
            case "Constant":
                return node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } t } ? t.DataType
                    : node.Has("value_ints") || node.Has("value_int") ? Int64 : Float;
            case "ConstantOfShape":
                return node.Attribute.FirstOrDefault(a => a.Name == "value") is { T: { } v } ? v.DataType : Float;
            case "Where": return In(1);
            case "MaxPool" when output == 1: return Int64;
            case "TopK" when output == 1: return Int64;
            case "EyeLike" or "RandomNormalLike" or "RandomUniformLike":
                return node.Has("dtype") ? (int)node.Int("dtype", Float) : In(0);
        }
        if (Int64Outputs.Contains(node.OpType)) return Int64;
        if (BoolOutputs.Contains(node.OpType)) return Bool;
        return In(0);
    }
}
