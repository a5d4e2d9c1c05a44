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

    /// <summary>Σ_k w_k A^k — the map every channel-weight method ends with.</summary>
    public float[] WeightedSum(ReadOnlySpan<float> weights)
    {
        var map = new float[Positions];
        for (int k = 0; k < Channels; k++)
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(A(k), weights[k], map, map);
        return map;
    }

    /// <summary>Σ_k f(g^k, A^k) element-wise — the map of element-wise methods.</summary>
    public float[] ElementwiseSum(Func<float, float, float> term)
    {
        var map = new float[Positions];
        for (int k = 0; k < Channels; k++)
        {
            var a = A(k);
            var g = G(k);
            for (int p = 0; p < map.Length; p++)
                map[p] += term(g[p], a[p]);
        }
        return map;
    }
}
