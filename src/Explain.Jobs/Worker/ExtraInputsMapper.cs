using Explain.Cam.Backends;
using Explain.Engine.Errors;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;
using Proto = Explain.V1;

namespace Explain.Jobs.Worker;

/// <summary>
/// Proto <see cref="Proto.InputTensor"/> lists (ExplainRequest.extra_inputs / image_extra_inputs, issue 14 part 2) to the
/// Cam library's extra inputs (<see cref="IModelBackend.ExtraInputs"/>), in one place for ingestion, which refuses a
/// malformed or mismatched input before queueing naming its field, and the worker, which feeds them.
/// </summary>
public static class ExtraInputsMapper
{
    /// <summary>The longest input name taken (ONNX names are free text; this bounds what error messages quote).</summary>
    public const int MaxNameLength = 256;

    /// <summary>Each image's extra inputs (one entry for a job of one image), with the request field they came from.</summary>
    public static IReadOnlyList<(IReadOnlyList<Proto.InputTensor> Items, string Field)> PerImage(Proto.ExplainRequest request)
    {
        int images = Math.Max(request.Images.Count, 1);
        if (request.ImageExtraInputs.Count > 0)
            return request.ImageExtraInputs.Select((set, b) => ((IReadOnlyList<Proto.InputTensor>)set.Items, $"image_extra_inputs[{b}].items")).ToList();
        return Enumerable.Range(0, images).Select(_ => ((IReadOnlyList<Proto.InputTensor>)request.ExtraInputs, "extra_inputs")).ToList();
    }

    /// <summary>
    /// The tensors by name; a malformed list is a <see cref="JobRejectedException"/> (INVALID_ARGUMENT) naming
    /// <paramref name="field"/>[i] and its part. With <paramref name="graph"/> (ingestion), also checked against the
    /// model's inputs: names, element types, declared dimensions, a missing input, Gather indices within their table.
    /// </summary>
    public static IReadOnlyDictionary<string, Tensor> From(IReadOnlyList<Proto.InputTensor> items, string field, JobLimits limits, OnnxModel? graph = null)
    {
        if (items.Count > limits.MaxExtraInputs)
            throw JobRejectedException.Invalid("too_many_extra_inputs", $"at most {limits.MaxExtraInputs} extra inputs per image, not {items.Count}", field);
        var tensors = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            string at = $"{field}[{i}]";
            if (string.IsNullOrEmpty(item.Name))
                throw JobRejectedException.Invalid("bad_extra_input", "an extra input needs the name of the model input it feeds", at + ".name");
            if (item.Name.Length > MaxNameLength)
                throw JobRejectedException.Invalid("bad_extra_input", $"an extra input's name is at most {MaxNameLength} characters", at + ".name");
            if (tensors.ContainsKey(item.Name))
                throw JobRejectedException.Invalid("bad_extra_input", $"extra input '{LogText.Of(item.Name)}' is given twice", at + ".name");
            var shape = item.Shape;
            if (shape.Count is < 1 or > 8 || shape.Any(d => d <= 0))
                throw JobRejectedException.Invalid("bad_extra_input", "an extra input's shape has 1 to 8 dimensions, each >= 1", at + ".shape");
            if (shape[0] != 1)
                throw JobRejectedException.Invalid("bad_extra_input", $"an extra input's first (batch) dimension is 1, not {shape[0]}", at + ".shape");
            long elements = shape.Aggregate(1L, (n, d) => n * d);
            if (elements > limits.MaxExtraInputElements)
                throw JobRejectedException.Invalid("extra_input_over_limits", $"an extra input holds at most {limits.MaxExtraInputElements} elements, not {elements}", at + ".shape");
            if ((item.Floats.Count > 0) == (item.Ints.Count > 0))
                throw JobRejectedException.Invalid("bad_extra_input", "set exactly one of floats (a float32 input) and ints (an int64 input)", at);
            string data = item.Floats.Count > 0 ? "floats" : "ints";
            int count = item.Floats.Count + item.Ints.Count;
            if (count != elements)
                throw JobRejectedException.Invalid("bad_extra_input", $"shape {TensorShape.Format(shape.ToArray())} holds {elements} values, {data} has {count}", $"{at}.{data}");
            if (item.Floats.Count > 0)
            {
                var floats = item.Floats.ToArray();
                int bad = Array.FindIndex(floats, v => !float.IsFinite(v));
                if (bad >= 0)
                    throw JobRejectedException.Invalid("bad_extra_input", $"floats[{bad}] is not finite", $"{at}.floats");
                tensors[item.Name] = Tensor.FromArray(floats, shape.ToArray());
            }
            else
                tensors[item.Name] = Tensor.FromInt64(item.Ints.ToArray(), shape.ToArray());
        }
        if (graph is not null)
            CheckAgainst(graph, tensors, items, field);
        return tensors;
    }

    /// <summary>The library's checks (ExtraInputFeeds), each failure named by the item that gave the input, or the whole list for a missing one.</summary>
    private static void CheckAgainst(OnnxModel graph, Dictionary<string, Tensor> tensors, IReadOnlyList<Proto.InputTensor> items, string field)
    {
        try
        {
            ExtraInputFeeds.Check(graph.Inputs, tensors);
            ExtraInputFeeds.CheckIndices(graph, tensors);
        }
        catch (ExtraInputException e)
        {
            int i = e.Missing ? -1 : items.ToList().FindIndex(item => item.Name == e.InputName);
            throw JobRejectedException.Invalid("bad_extra_input", e.Message, i < 0 ? field : $"{field}[{i}]");
        }
    }
}
