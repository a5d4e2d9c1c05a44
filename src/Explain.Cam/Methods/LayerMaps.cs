namespace Explain.Cam.Methods;

/// <summary>
/// One sample's view of a target layer for one target: activations A (C×h×w) and the gradient
/// g = ∂y/∂A of the target's score, both row-major, channel-major.
/// </summary>
public sealed class LayerMaps(float[] activations, float[] gradients, int channels, int height, int width)
{
    public float[] Activations { get; } = activations;

    public float[] Gradients { get; } = gradients;

    public int Channels { get; } = channels;

    public int Height { get; } = height;

    public int Width { get; } = width;

    public int Positions => Height * Width;

    public ReadOnlySpan<float> A(int channel) => Activations.AsSpan(channel * Positions, Positions);

    public ReadOnlySpan<float> G(int channel) => Gradients.AsSpan(channel * Positions, Positions);

    /// <summary>w_k A^k for every channel (C×h×w).</summary>
    public float[] Weighted(ReadOnlySpan<float> weights)
    {
        var result = new float[Activations.Length];
        for (int k = 0; k < Channels; k++)
            System.Numerics.Tensors.TensorPrimitives.Multiply(A(k), weights[k], result.AsSpan(k * Positions, Positions));
        return result;
    }

    /// <summary>f(g, A) element by element (C×h×w).</summary>
    public float[] Elementwise(Func<float, float, float> term)
    {
        var result = new float[Activations.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = term(Gradients[i], Activations[i]);
        return result;
    }

    /// <summary>A copy with other activations and gradients (for re-weighting schemes that change them).</summary>
    public LayerMaps With(float[] activations, float[] gradients) => new(activations, gradients, Channels, Height, Width);
}
