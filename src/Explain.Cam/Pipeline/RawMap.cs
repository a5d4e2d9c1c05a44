namespace Explain.Cam.Pipeline;

/// <summary>
/// One target's raw map (before ReLU and normalization) and its shape, row-major. A method on
/// several target layers gives each layer's map in <see cref="PerLayer"/> (the first is the raw
/// map reported); they are aggregated as every CAM method's layers are.
/// </summary>
public sealed record RawMap(float[] Values, int[] Shape)
{
    public IReadOnlyList<RawMap>? PerLayer { get; init; }

    /// <summary>The maps of several layers, the first reported as the raw map.</summary>
    public static RawMap OfLayers(IReadOnlyList<RawMap> layers) => layers[0] with { PerLayer = layers };
}
