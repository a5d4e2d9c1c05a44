using Explain.Cam.Backends;
using Explain.Engine.Tensors;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Re-runs of the model that perturbation methods and faithfulness metrics need: batches of
/// modified inputs through the whole model, and batches of modified target-layer activations
/// through only the layers after it. Batches are cut into fixed-size chunks (the last one padded)
/// so each backend session sees one shape and plans once.
/// </summary>
public sealed class ModelProbe(IModelBackend backend, string scoresOutput, int chunk = 16)
{
    public int Chunk { get; } = chunk;

    /// <summary>Most output values one batch of re-runs keeps (256 MiB of floats): a segmentation output of 1M values allows 64 re-runs.</summary>
    public const long MaxValues = 64L << 20;

    /// <summary>The token of the explanation in progress, checked before every batch and by the engine before every operator.</summary>
    internal CancellationToken Cancellation { get; set; }

    /// <summary>Batches run so far: how far a cancelled explanation got.</summary>
    internal long BatchesRun { get; private set; }

    /// <summary>Told (rows done, rows in all) after each chunk of a batch; the explainer sets it around a perturbation method.</summary>
    internal Action<int, int>? ChunkDone { get; set; }

    /// <summary>The output the explanation in progress scores (the classifier's pre-softmax scores unless its targets read another output).</summary>
    public string ScoresOutput { get; internal set; } = scoresOutput;

    public IModelBackend Backend { get; } = backend;

    /// <summary>Scores [count × classes] of <paramref name="count"/> inputs of shape <paramref name="rowShape"/> (batch 1), each written by <paramref name="fill"/>.</summary>
    public float[] Scores(int count, int[] rowShape, Action<int, Span<float>> fill) =>
        Chunked(count, rowShape, fill, batch => Backend.Forward(batch, PassRequest.Outputs).Outputs[ScoresOutput]);

    /// <summary>
    /// Scores [count × classes] with the target layer's activations (shape <paramref name="rowShape"/>)
    /// replaced by rows written by <paramref name="fill"/>; the rest of <paramref name="input"/>'s forward pass is reused.
    /// </summary>
    public float[] ScoresFromLayer(Tensor input, string layer, int count, int[] rowShape, Action<int, Span<float>> fill) =>
        Chunked(count, rowShape, fill, batch => Backend.RunFrom(input, layer, batch, ScoresOutput));

    private float[] Chunked(int rows, int[] rowShape, Action<int, Span<float>> fill, Func<Tensor, Tensor> run)
    {
        int rowSize = TensorShape.ElementCount(rowShape.AsSpan(1));
        int[] shape = [Chunk, .. rowShape[1..]];
        var result = new List<float>();
        for (int start = 0; start < rows; start += Chunk)
        {
            Cancellation.ThrowIfCancellationRequested();
            BatchesRun++;
            int take = Math.Min(Chunk, rows - start);
            var batch = Tensor.Zeros(shape);
            for (int r = 0; r < take; r++)
                fill(start + r, batch.Floats.AsSpan(r * rowSize, rowSize));
            var scores = run(batch);
            int classes = scores.Length / Chunk;
            if ((long)rows * classes > MaxValues)
                throw new ArgumentException($"{rows} re-runs of output '{ScoresOutput}' ({classes} values each) would hold {(long)rows * classes} values, over the limit of {MaxValues}: explain a smaller output, or use a gradient method (perturbation methods keep every re-run's output)");
            result.AddRange(scores.Floats.AsSpan(0, take * classes).ToArray());
            ChunkDone?.Invoke(start + take, rows);
        }
        return result.ToArray();
    }
}
