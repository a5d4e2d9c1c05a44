using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Backends;

/// <summary>
/// The model's inputs other than the image (<see cref="IModelBackend.ExtraInputs"/>), shared by the backends:
/// checked against the declared inputs before any pass, and repeated to a pass's batch.
/// </summary>
public static class ExtraInputFeeds
{
    /// <summary>
    /// Throws <see cref="ExtraInputException"/> naming the input when <paramref name="extras"/> misses one of
    /// <paramref name="inputs"/> after the first (the image), names an input the model does not have, or
    /// holds a value whose element type or non-batch dimensions differ from the declared ones.
    /// </summary>
    public static void Check(IReadOnlyList<ValueInfo> inputs, IReadOnlyDictionary<string, Tensor> extras)
    {
        var declared = inputs.Skip(1).ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var name in extras.Keys.Where(k => !declared.ContainsKey(k)))
            throw new ExtraInputException(name, inputs.Count > 0 && name == inputs[0].Name
                ? $"extra input '{name}' is the image input; it is fed by the image"
                : $"extra input '{name}' is not an input of the model (its other inputs: {Names(declared.Keys)})");
        foreach (var input in declared.Values)
        {
            if (!extras.TryGetValue(input.Name, out var value))
                throw new ExtraInputException(input.Name, $"extra input '{input.Name}' is missing: the model also takes {input}", missing: true);
            string type = value.Type == DataType.Int64 ? "int64" : "float";
            if (type != input.ElementType)
                throw new ExtraInputException(input.Name, $"extra input '{input.Name}' is {type}; the model declares {input.ElementType}");
            bool fits = value.Rank == input.Shape.Length && value.Rank > 0
                && Enumerable.Range(1, value.Rank - 1).All(d => input.Shape[d] < 0 || input.Shape[d] == value.Shape[d]);
            if (!fits)
                throw new ExtraInputException(input.Name, $"extra input '{input.Name}' has shape {TensorShape.Format(value.Shape)}; the model declares {TensorShape.Format(input.Shape)}");
        }
    }

    /// <summary>
    /// Throws <see cref="ExtraInputException"/> naming the input, the position and the table when an int64 extra input holds
    /// an index a Gather reading it directly cannot take: token ids outside an embedding table's rows (ONNX's Gather takes
    /// [-n, n - 1] on an axis of n). Checked before any pass: a backend would fail midway through it.
    /// </summary>
    public static void CheckIndices(OnnxModel graph, IReadOnlyDictionary<string, Tensor> extras)
    {
        foreach (var node in graph.Nodes)
        {
            if (node.OpType != "Gather" || node.Inputs.Length < 2 || !extras.TryGetValue(node.Inputs[1], out var ids) || ids.Type != DataType.Int64
                || !graph.Initializers.TryGetValue(node.Inputs[0], out var table))
                continue;
            int axis = (int)node.Attributes.Int("axis", 0);
            if (axis < 0)
                axis += table.Rank;
            if (axis < 0 || axis >= table.Rank)
                continue;
            long n = table.Shape[axis];
            var values = ids.Longs;
            for (int i = 0; i < values.Length; i++)
                if (values[i] < -n || values[i] >= n)
                    throw new ExtraInputException(node.Inputs[1], $"extra input '{node.Inputs[1]}' holds {values[i]} at {TensorShape.Format(Position(i, ids.Shape))}; " +
                        $"node '{node.DisplayName}' gathers rows of '{node.Inputs[0]}' ({n}), so its values lie in [0, {n - 1}] (or [-{n}, -1] from the end)");
        }
    }

    /// <summary>
    /// One image's extra inputs against what <paramref name="backend"/> runs, before any pass: each of batch 1, then
    /// <see cref="IModelBackend.CheckExtraInputs"/> (names, element types, declared dimensions, a missing input), then,
    /// when an int64 input is given, <see cref="CheckIndices"/> on <paramref name="graph"/> (read only then).
    /// </summary>
    /// <exception cref="ExtraInputException">The first input that does not fit, named.</exception>
    public static void CheckImage(IModelBackend backend, Func<OnnxModel> graph, IReadOnlyDictionary<string, Tensor> extras)
    {
        foreach (var (name, value) in extras)
            if (value.Rank == 0 || value.Shape[0] != 1)
                throw new ExtraInputException(name, $"extra input '{name}' has shape {TensorShape.Format(value.Shape)}; an image's extra inputs have batch 1");
        backend.CheckExtraInputs(extras);
        if (extras.Values.Any(v => v.Type == DataType.Int64))
            CheckIndices(graph(), extras);
    }

    private static int[] Position(int flat, int[] shape)
    {
        var position = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            position[d] = flat % shape[d];
            flat /= shape[d];
        }
        return position;
    }

    /// <summary><paramref name="value"/> at batch <paramref name="batch"/>: as is when its batch axis is that already, repeated when it is 1.</summary>
    public static Tensor ToBatch(string name, Tensor value, int batch)
    {
        int rows = value.Shape[0];
        if (rows == batch)
            return value;
        if (rows != 1)
            throw new ExtraInputException(name, $"extra input '{name}' has batch {rows}; a pass of batch {batch} takes 1 or {batch}");
        return Concatenate(Enumerable.Repeat(value, batch).ToList());
    }

    /// <summary>Values of one input, each of batch 1, stacked along the batch axis in order.</summary>
    public static Tensor Stack(string name, IReadOnlyList<Tensor> values)
    {
        var first = values[0];
        foreach (var v in values)
            if (v.Type != first.Type || !v.Shape.AsSpan().SequenceEqual(first.Shape))
                throw new ExtraInputException(name, $"extra input '{name}' has shape {TensorShape.Format(v.Shape)} in one image and {TensorShape.Format(first.Shape)} in another; a batch's images have one shape per input");
        return Concatenate(values);
    }

    /// <summary>Values of one type and shape, each of batch 1, one after the other along the batch axis.</summary>
    private static Tensor Concatenate(IReadOnlyList<Tensor> values)
    {
        var first = values[0];
        int size = first.Length;
        int[] shape = [values.Count, .. first.Shape[1..]];
        if (first.Type == DataType.Int64)
        {
            var longs = new long[size * values.Count];
            for (int b = 0; b < values.Count; b++)
                values[b].Longs.CopyTo(longs.AsSpan(b * size));
            return Tensor.FromInt64(longs, shape);
        }
        var floats = new float[size * values.Count];
        for (int b = 0; b < values.Count; b++)
            values[b].Floats.CopyTo(floats.AsSpan(b * size));
        return Tensor.FromArray(floats, shape);
    }

    private static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "none";
}
