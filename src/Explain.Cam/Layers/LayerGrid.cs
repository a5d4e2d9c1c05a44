using Explain.Engine.Tensors;

namespace Explain.Cam.Layers;

/// <summary>
/// Where a target layer's values sit in the [C, h, w] grid CAM methods read: NCHW as it is, NHWC
/// stages moved channel first (Swin), or tokens [T, C] whose first <see cref="PrefixTokens"/>
/// (ViT's class token) are left out and the rest read row-major as [h, w, C]. Gradients go through
/// the same transform as activations, as in pytorch-grad-cam, so every method applies unchanged.
/// </summary>
public sealed class LayerGrid
{
    private enum Layout { Nchw, Nhwc, Tokens }

    private readonly Layout _layout;

    private LayerGrid(Layout layout, int[] rawShape, int channels, int height, int width, int prefixTokens)
    {
        _layout = layout;
        RawShape = rawShape;
        Channels = channels;
        Height = height;
        Width = width;
        PrefixTokens = prefixTokens;
    }

    /// <summary>The layer's own shape, batch 1.</summary>
    public int[] RawShape { get; }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Tokens before the grid that no position stands for (ViT's class token: 1).</summary>
    public int PrefixTokens { get; }

    /// <summary>Values per sample in the layer's own layout.</summary>
    public int RawSize => TensorShape.ElementCount(RawShape.AsSpan(1));

    public bool IsTokens => _layout == Layout.Tokens;

    /// <summary>
    /// The grid of a layer of <paramref name="shape"/> (batch first) under <paramref name="transform"/>;
    /// a shape the transform cannot read (ViT tokens without a square grid, a 2-D tensor) is an
    /// <see cref="ArgumentException"/> naming the layer and what it needs.
    /// </summary>
    public static LayerGrid For(int[] shape, ReshapeTransform transform, string layer)
    {
        string Fail(string needs) => $"layer '{layer}' has shape {TensorShape.Format(shape)}; {needs}";
        if (shape.Length == 4)
            return transform switch
            {
                ReshapeTransform.Vit => throw new ArgumentException(Fail("--reshape vit needs tokens [1, 1 + h·w, C]")),
                ReshapeTransform.Swin => new LayerGrid(Layout.Nhwc, shape, shape[3], shape[1], shape[2], 0),
                _ => new LayerGrid(Layout.Nchw, shape, shape[1], shape[2], shape[3], 0),
            };
        if (shape.Length != 3)
            throw new ArgumentException(Fail("CAM methods need a [1, C, h, w] activation, tokens [1, T, C] or, with --reshape swin, [1, h, w, C]"));
        int tokens = shape[1];
        int prefix = transform switch
        {
            ReshapeTransform.Vit => 1,
            ReshapeTransform.Swin => 0,
            _ => IsSquare(tokens) ? 0 : 1,
        };
        int side = (int)Math.Round(Math.Sqrt(Math.Max(tokens - prefix, 0)));
        if (tokens - prefix <= 0 || side * side != tokens - prefix)
            throw new ArgumentException(Fail($"{tokens} tokens{(prefix > 0 ? " less the class token" : "")} are no square grid (--reshape {transform.Name()})"));
        return new LayerGrid(Layout.Tokens, shape, shape[2], side, side, prefix);
    }

    /// <summary>One sample's values in the layer's layout (<see cref="RawSize"/> of them) as [C, h, w].</summary>
    public float[] ToGrid(ReadOnlySpan<float> raw)
    {
        if (_layout == Layout.Nchw)
            return raw[..RawSize].ToArray();
        int positions = Height * Width, skip = PrefixTokens * Channels;
        var grid = new float[Channels * positions];
        for (int p = 0; p < positions; p++)
            for (int c = 0; c < Channels; c++)
                grid[c * positions + p] = raw[skip + p * Channels + c];
        return grid;
    }

    /// <summary>A [C, h, w] grid back into the layer's layout; prefix tokens are copied from <paramref name="template"/>.</summary>
    public void FromGrid(ReadOnlySpan<float> grid, ReadOnlySpan<float> template, Span<float> raw)
    {
        if (_layout == Layout.Nchw)
        {
            grid.CopyTo(raw);
            return;
        }
        int positions = Height * Width, skip = PrefixTokens * Channels;
        template[..skip].CopyTo(raw);
        for (int p = 0; p < positions; p++)
            for (int c = 0; c < Channels; c++)
                raw[skip + p * Channels + c] = grid[c * positions + p];
    }

    /// <summary>"tokens 50 → 768 × 7×7, class token dropped", "NHWC → 768 × 7×7", "" for NCHW (what `explain layers` shows).</summary>
    public string Describe() => _layout switch
    {
        Layout.Tokens => $"tokens {RawShape[1]} → {Channels} × {Height}×{Width}{(PrefixTokens > 0 ? $", {PrefixTokens} class token dropped" : "")}",
        Layout.Nhwc => $"NHWC → {Channels} × {Height}×{Width}",
        _ => "",
    };

    private static bool IsSquare(int n)
    {
        int side = (int)Math.Round(Math.Sqrt(n));
        return n > 0 && side * side == n;
    }
}
