using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Tensors;

namespace Explain.Cam.Perturbation;

/// <summary>
/// Re-runs of the model that perturbation methods and faithfulness metrics need: batches of
/// modified inputs through the whole model, and batches of modified target-layer activations
/// through only the layers after it. Batches are cut into fixed-size chunks (the last one padded)
/// so each session plans once.
/// </summary>
public sealed class ModelProbe(OnnxModel model, string scoresOutput, int threads, int chunk = 16)
{
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);

    public int Chunk { get; } = chunk;

    /// <summary>Told (rows done, rows in all) after each chunk of a batch; the explainer sets it around a perturbation method.</summary>
    internal Action<int, int>? ChunkDone { get; set; }

    /// <summary>The output holding the pre-softmax scores.</summary>
    public string ScoresOutput { get; } = scoresOutput;

    /// <summary>Scores [count × classes] of <paramref name="count"/> inputs of shape <paramref name="rowShape"/> (batch 1), each written by <paramref name="fill"/>.</summary>
    public float[] Scores(int count, int[] rowShape, Action<int, Span<float>> fill)
    {
        var session = SessionFor("full", () => new SessionOptions { Threads = threads });
        return Chunked(count, rowShape, fill, batch => session.Run(batch).Outputs[ScoresOutput]);
    }

    /// <summary>
    /// Scores [count × classes] with the target layer's activations (shape <paramref name="rowShape"/>)
    /// replaced by rows written by <paramref name="fill"/>; the rest of <paramref name="input"/>'s forward pass is reused.
    /// </summary>
    public float[] ScoresFromLayer(Tensor input, string layer, int count, int[] rowShape, Action<int, Span<float>> fill)
    {
        var session = SessionFor("resume:" + layer, () => new SessionOptions { Threads = threads, ResumeFrom = [layer] });
        session.Run(input);
        return Chunked(count, rowShape, fill, batch => session.RunFrom(layer, batch)[ScoresOutput]);
    }

    /// <summary>A session with gradients at <paramref name="layer"/> for batches of inputs (Integrated Grad-CAM).</summary>
    public Session GradientSession(string layer) =>
        SessionFor("grad:" + layer, () => new SessionOptions { Threads = threads, Observe = [layer], Gradients = true });

    private float[] Chunked(int rows, int[] rowShape, Action<int, Span<float>> fill, Func<Tensor, Tensor> run)
    {
        int rowSize = TensorShape.ElementCount(rowShape.AsSpan(1));
        int[] shape = [Chunk, .. rowShape[1..]];
        var result = new List<float>();
        for (int start = 0; start < rows; start += Chunk)
        {
            int take = Math.Min(Chunk, rows - start);
            var batch = Tensor.Zeros(shape);
            for (int r = 0; r < take; r++)
                fill(start + r, batch.Floats.AsSpan(r * rowSize, rowSize));
            var scores = run(batch);
            int classes = scores.Length / Chunk;
            result.AddRange(scores.Floats.AsSpan(0, take * classes).ToArray());
            ChunkDone?.Invoke(start + take, rows);
        }
        return result.ToArray();
    }

    private Session SessionFor(string key, Func<SessionOptions> options)
    {
        if (!_sessions.TryGetValue(key, out var session))
            _sessions[key] = session = new Session(model, options());
        return session;
    }
}
