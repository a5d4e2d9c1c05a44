using System.Collections;
using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Pipeline;

/// <summary>
/// Row <c>b</c> of a forward pass over a batch of <c>n</c> images, seen as a pass of one image: outputs and observed
/// tensors are that row ([1, ...], sliced when first read), and gradients asked of it run on the batch's pass with
/// every other image's seed rows zero, keeping row b's. The explainer makes the batch's shared backward passes once
/// for all images (<see cref="SharedPasses.Make"/>); a method that asks its own gradients later (ShapleyCAM's
/// second-order term) goes through this view.
/// </summary>
internal sealed class BatchRowPass(ForwardPass batch, int row, int rows)
    : ForwardPass(new RowSlices(batch.Outputs, row, rows), new RowSlices(batch.Observed, row, rows))
{
    public override IReadOnlyDictionary<string, Tensor> Gradients(string output, Tensor seeds, GradientMode mode, IReadOnlyList<string> at)
    {
        // seeds [K, ...] for this row only: row t of them becomes row t·n + b of the batch's seeds.
        var blocks = new Tensor[rows];
        var zero = Tensor.Zeros([0, .. seeds.Shape[1..]]);
        for (int b = 0; b < rows; b++)
            blocks[b] = b == row ? seeds : zero;
        var all = batch.Gradients(output, Interleave(blocks), mode, at);
        return all.ToDictionary(kv => kv.Key, kv => RowsOf(kv.Value, row, rows, 0, seeds.Shape[0]), StringComparer.Ordinal);
    }

    /// <summary>Images [1, ...] of one shape stacked into [n, ...].</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> images)
    {
        var shape = images[0].Shape;
        foreach (var image in images)
            if (image.Rank != shape.Length || image.Shape[0] != 1 || !image.Shape.AsSpan(1).SequenceEqual(shape.AsSpan(1)))
                throw new ArgumentException($"the images of a batch have one shape; {TensorShape.Format(image.Shape)} is not {TensorShape.Format(shape)}");
        var stacked = Tensor.Create([images.Count, .. shape[1..]]);
        int size = images[0].Floats.Length;
        for (int b = 0; b < images.Count; b++)
            images[b].Floats.CopyTo(stacked.Floats, b * size);
        return stacked;
    }

    /// <summary>
    /// Per-image seed blocks [K_b, ...] as one seed matrix [K·n, ...] with K = max K_b: row t·n + b is block b's row t
    /// (<see cref="ForwardPass.Gradients"/>'s layout), zero where block b has fewer rows. One block: itself.
    /// </summary>
    public static Tensor Interleave(IReadOnlyList<Tensor> blocks)
    {
        int n = blocks.Count;
        if (n == 1)
            return blocks[0];
        int k = blocks.Max(s => s.Shape[0]);
        var rowShape = blocks.First(s => s.Shape[0] == k).Shape[1..];
        int size = TensorShape.ElementCount(rowShape);
        var merged = Tensor.Zeros([k * n, .. rowShape]);
        for (int b = 0; b < n; b++)
            for (int t = 0; t < blocks[b].Shape[0]; t++)
                blocks[b].Floats.AsSpan(t * size, size).CopyTo(merged.Floats.AsSpan((t * n + b) * size, size));
        return merged;
    }

    /// <summary>Rows (from + t)·n + b for t &lt; count of a [K·n, ...] tensor, as [count, ...]: image b's rows of an interleaved result.</summary>
    public static Tensor RowsOf(Tensor all, int b, int n, int from, int count)
    {
        if (n == 1 && from == 0 && count == all.Shape[0])
            return all;
        int size = all.Floats.Length / all.Shape[0];
        var result = Tensor.Create([count, .. all.Shape[1..]]);
        for (int t = 0; t < count; t++)
            all.Floats.AsSpan(((from + t) * n + b) * size, size).CopyTo(result.Floats.AsSpan(t * size, size));
        return result;
    }

    /// <summary>Row b of every tensor of a batch's dictionary, each sliced on first read.</summary>
    private sealed class RowSlices(IReadOnlyDictionary<string, Tensor> batch, int row, int rows) : IReadOnlyDictionary<string, Tensor>
    {
        private readonly Dictionary<string, Tensor> _slices = new(StringComparer.Ordinal);

        public Tensor this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

        public IEnumerable<string> Keys => batch.Keys;

        public IEnumerable<Tensor> Values => Keys.Select(k => this[k]);

        public int Count => batch.Count;

        public bool ContainsKey(string key) => batch.ContainsKey(key);

        public bool TryGetValue(string key, out Tensor value)
        {
            if (_slices.TryGetValue(key, out value!))
                return true;
            if (!batch.TryGetValue(key, out var whole))
                return false;
            _slices[key] = value = Slice(whole);
            return true;
        }

        public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() => Keys.Select(k => new KeyValuePair<string, Tensor>(k, this[k])).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private Tensor Slice(Tensor whole)
        {
            if (whole.Rank == 0 || whole.Shape[0] != rows)
                throw new InvalidOperationException($"a batch of {rows} gave a tensor of shape {TensorShape.Format(whole.Shape)}; its first axis is not the batch");
            int size = whole.Length / rows;
            return whole.Type == DataType.Float32
                ? Tensor.FromArray(whole.Floats.AsSpan(row * size, size).ToArray(), [1, .. whole.Shape[1..]])
                : Tensor.FromInt64(whole.Longs.AsSpan(row * size, size).ToArray(), [1, .. whole.Shape[1..]]);
        }
    }
}
