using Explain.Engine.Onnx.Proto;
using Google.Protobuf;

namespace Explain.Backends.OnnxRuntime;

/// <summary>
/// Copies of a ModelProto edited for one kind of session: extra graph outputs (observed tensors
/// become outputs, so no ONNX Runtime optimization can fuse them away), a symbolic batch dimension
/// (export fixtures often fix batch 1; perturbation batches need N), no intermediate value_info
/// (its batch-1 shapes would contradict batched runs; ONNX Runtime re-infers them).
/// </summary>
internal static class OnnxEdits
{
    public const string BatchDim = "explain_batch";

    public static ModelProto Parse(byte[] bytes)
    {
        try
        {
            return ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ArgumentException($"not a readable ONNX model ({bytes.Length} bytes): {e.Message}", e);
        }
    }

    /// <summary>Graph inputs the caller feeds: those without an initializer of the same name.</summary>
    public static IReadOnlyList<ValueInfoProto> FedInputs(GraphProto graph)
    {
        var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        return graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
    }

    /// <summary>A copy of the model with <paramref name="outputs"/> added as graph outputs (those not already outputs or inputs) and a symbolic batch.</summary>
    public static ModelProto WithOutputs(ModelProto model, IEnumerable<string> outputs)
    {
        var copy = model.Clone();
        var graph = copy.Graph;
        var present = graph.Output.Select(o => o.Name).Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        foreach (var name in outputs.Where(n => n.Length > 0 && present.Add(n)))
            graph.Output.Add(new ValueInfoProto { Name = name });
        MakeBatchSymbolic(copy);
        return copy;
    }

    /// <summary>
    /// Leading dimension of every fed input and every declared output made symbolic; value_info dropped;
    /// initializers listed among the inputs (older exporters' keep_initializers_as_inputs) unlisted from
    /// IR 4 on, so ONNX Runtime treats them as constants it may fold and prepack.
    /// </summary>
    public static void MakeBatchSymbolic(ModelProto model)
    {
        var graph = model.Graph;
        if (model.IrVersion >= 4)
        {
            var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var fed = graph.Input.Where(i => !initializers.Contains(i.Name)).ToList();
            graph.Input.Clear();
            graph.Input.AddRange(fed);
        }
        foreach (var value in FedInputs(graph).Concat(graph.Output))
            if (value.Type?.TensorType?.Shape is { Dim.Count: > 0 } shape)
                shape.Dim[0] = new TensorShapeProto.Types.Dimension { DimParam = BatchDim };
        graph.ValueInfo.Clear();
    }

    public static int Opset(ModelProto model) =>
        (int)(model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 0);
}
