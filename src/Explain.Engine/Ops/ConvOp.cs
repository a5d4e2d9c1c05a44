using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Conv (opset 1–22): 2-D, or 1-D as a 2-D convolution of height 1; 3-D is not supported.
/// Weights and bias are constants: their packed form is cached per weight tensor (a planner that
/// folds BatchNorm into new weights gets a repack), and only the input gets a gradient.
/// </summary>
public sealed class ConvOp(string autoPad, long[]? dilations, long group, long[]? kernelShape, long[]? pads, long[]? strides) : Op
{
    private ConvWeightCache? _cache;
    private ConvGeometry? _geometry;
    private int[] _inputShape = [], _outputShape = [];
    private Tensor? _weights, _output;
    private int _inputCount;

    /// <summary>A Relu or Clip folded into this convolution by the planner.</summary>
    public FusedActivation Activation { get; set; } = FusedActivation.None;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var (x, w) = (inputs[0], inputs[1]);
        var bias = inputs.Length > 2 ? inputs[2] : null;
        if (x.Type != DataType.Float32 || w.Type != DataType.Float32)
            throw new UnsupportedFeatureException($"Conv '{Name}': only float32 is supported");
        var g = Geometry(x.Shape, w.Shape);
        if (bias is not null && bias.Length != g.OutChannels)
            throw new TensorShapeException($"Conv bias has {bias.Length} values for {g.OutChannels} output channels");

        int[] outputShape = x.Rank == 3 ? [g.Batch, g.OutChannels, g.OutWidth] : [g.Batch, g.OutChannels, g.OutHeight, g.OutWidth];
        var y = Tensor.Create(outputShape);
        var epilogue = Activation.Epilogue;
        if (g.IsDepthwise)
            DepthwiseConvolution.Forward(g, x.Floats, w.Floats, bias?.Floats, y.Floats, epilogue, context.Parallel);
        else
            Convolution.Forward(g, x.Floats, Cache(w, g).Forward, bias?.Floats, y.Floats, epilogue, context.Parallel);

        if (context.SaveForBackward)
        {
            (_geometry, _weights, _inputShape, _outputShape, _inputCount) = (g, w, x.Shape, outputShape, inputs.Length);
            _output = Activation.Kind == FusedActivationKind.None ? null : y;
        }
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var gradients = new Tensor?[Math.Max(NeedsInputGradient.Length, _inputCount)];
        if (!NeedsGradient(0))
            return gradients;
        var g = _geometry ?? throw new InvalidOperationException($"Conv '{Name}': backward without a saved forward pass");
        var w = _weights!;
        int factor = BatchFactor(outputGradients[0], _outputShape);
        var dy = Activation.Backward(_output, outputGradients[0], context.Mode);
        var dx = Tensor.Create(ScaleBatch(_inputShape, factor));
        if (g.IsDepthwise)
            DepthwiseConvolution.BackwardData(g, g.Batch * factor, dy.Floats, w.Floats, dx.Floats, context.Parallel);
        else
            Convolution.BackwardData(g, g.Batch * factor, dy.Floats, Cache(w, g).Transposed(g, w), dx.Floats, context.Parallel);
        gradients[0] = dx;
        return gradients;
    }

    /// <summary>
    /// Packed weights, shared by every op (in every session) that convolves with the same weight
    /// tensor and group count: sessions of one model then hold one packed copy, not one each.
    /// </summary>
    private ConvWeightCache Cache(Tensor w, ConvGeometry g)
    {
        var cache = _cache;
        if (cache is null || !ReferenceEquals(cache.Weights, w))
        {
            cache = SharedPacks.GetValue(w, weights => new ConvWeightCache(weights, Convolution.PackWeights(g, weights.Floats), g.Group));
            if (cache.Group != g.Group)
                cache = new ConvWeightCache(w, Convolution.PackWeights(g, w.Floats), g.Group);
            _cache = cache;
        }
        return cache;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, ConvWeightCache> SharedPacks = new();

    /// <summary>Brings attributes and shapes to 2-D (1-D gets height 1) and resolves padding.</summary>
    private ConvGeometry Geometry(int[] x, int[] w)
    {
        if (x.Length == 5)
            throw new UnsupportedFeatureException($"Conv '{Name}': 3-D convolution is not supported");
        if (x.Length is not (3 or 4) || w.Length != x.Length)
            throw new TensorShapeException($"Conv '{Name}': input {TensorShape.Format(x)} and weights {TensorShape.Format(w)} are not 1-D or 2-D convolution shapes");
        int spatial = x.Length - 2;
        if (kernelShape is not null && !kernelShape.Select(v => (int)v).SequenceEqual(w[2..]))
            throw new TensorShapeException($"Conv '{Name}': kernel_shape [{string.Join(", ", kernelShape)}] does not match weights {TensorShape.Format(w)}");
        int[] s = Spatial(strides, spatial, 1), d = Spatial(dilations, spatial, 1);
        int[] p = pads is null ? new int[2 * spatial] : pads.Select(v => (int)v).ToArray();
        if (p.Length != 2 * spatial || s.Length != spatial || d.Length != spatial)
            throw new TensorShapeException($"Conv '{Name}': strides, dilations and pads do not match {spatial} spatial dimensions");
        if (spatial == 1)
            return ConvGeometry.Create([x[0], x[1], 1, x[2]], [w[0], w[1], 1, w[2]], (int)group, [1, s[0]], [1, d[0]], [0, p[0], 0, p[1]], autoPad);
        return ConvGeometry.Create(x, w, (int)group, s, d, p, autoPad);
    }

    private static int[] Spatial(long[]? values, int rank, int fallback) =>
        values is null ? Enumerable.Repeat(fallback, rank).ToArray() : values.Select(v => (int)v).ToArray();
}
