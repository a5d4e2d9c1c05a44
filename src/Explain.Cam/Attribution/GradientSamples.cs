using Explain.Cam.Backends;
using Explain.Cam.Pipeline;
using Explain.Engine.Tensors;

namespace Explain.Cam.Attribution;

/// <summary>
/// Input gradients of many modified inputs (noise samples, path points) for every target: the rows
/// run as batches of <see cref="Chunk"/> through one forward pass and one backward pass with K·B
/// seeds each, so a method's n samples cost n/16 passes, not n·K.
/// </summary>
internal static class GradientSamples
{
    public const int Chunk = 16;

    /// <summary>
    /// Writes row r with <paramref name="fill"/>(r, row) for r in [0, rows), and hands
    /// <paramref name="accumulate"/>(target, r, ∂y_target/∂x at row r) every gradient.
    /// </summary>
    public static void Run(SharedPasses passes, int rows, Action<int, Span<float>> fill, Action<int, int, ReadOnlySpan<float>> accumulate)
    {
        int[] shape = passes.Input.Shape;
        int size = passes.Input.Length, targets = passes.Targets.Count;
        for (int start = 0; start < rows; start += Chunk)
        {
            passes.Backend.Cancellation.ThrowIfCancellationRequested();
            int take = Math.Min(Chunk, rows - start);
            var batch = Tensor.Zeros([take, .. shape[1..]]);
            for (int r = 0; r < take; r++)
                fill(start + r, batch.Floats.AsSpan(r * size, size));
            var forward = passes.Backend.Forward(batch, new PassRequest([], InputGradients: true));
            var scores = forward.Outputs[passes.ScoresOutput];
            int classes = scores.Length / take;
            var seeds = Tensor.Zeros(targets * take, classes);
            for (int t = 0; t < targets; t++)
                for (int r = 0; r < take; r++)
                    passes.Targets[t].WriteSeed(scores.Floats.AsSpan(r * classes, classes), seeds.Floats.AsSpan((t * take + r) * classes, classes));
            var gradients = forward.GradientsOfRows(passes.ScoresOutput, seeds, GradientMode.Standard, [passes.InputName])[passes.InputName];
            for (int t = 0; t < targets; t++)
                for (int r = 0; r < take; r++)
                    accumulate(t, start + r, gradients.Floats.AsSpan((t * take + r) * size, size));
        }
    }
}
