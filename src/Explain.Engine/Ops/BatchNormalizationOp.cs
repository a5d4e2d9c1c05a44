using Explain.Engine.Errors;
using Explain.Engine.Kernels;
using Explain.Engine.Kernels.Operators;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX BatchNormalization in inference mode: y = scale·(x − mean)/√(var + ε) + B, folded per channel
/// into y = x·s + t. Inputs X [N, C, …], scale, B, mean, var [C]. Backward w.r.t. X only: g·s.
/// </summary>
public sealed class BatchNormalizationOp(float epsilon) : Op
{
    private float[]? _scale;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = Elementwise.RequireFloat(this, inputs[0]);
        if (x.Rank < 2)
            throw new TensorShapeException($"BatchNormalization '{Name}': input {TensorShape.Format(x.Shape)} has no channel axis");
        int channels = x.Shape[1];
        var (scale, bias, mean, variance) = (inputs[1].Floats, inputs[2].Floats, inputs[3].Floats, inputs[4].Floats);
        if (scale.Length != channels || bias.Length != channels || mean.Length != channels || variance.Length != channels)
            throw new TensorShapeException($"BatchNormalization '{Name}': parameters do not have {channels} channels");
        var s = new float[channels];
        var t = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            double k = scale[c] / Math.Sqrt(variance[c] + (double)epsilon);
            s[c] = (float)k;
            t[c] = (float)(bias[c] - mean[c] * k);
        }
        var y = Tensor.Create(x.Shape);
        PerPlane(context, x.Floats, y.Floats, x.Length / Math.Max(1, x.Shape[0] * channels), channels, c => new AffineOperator(s[c], t[c]));
        if (context.SaveForBackward)
            _scale = s;
        return [y];
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var gradients = new Tensor?[5];
        if (!NeedsGradient(0))
            return gradients;
        var s = _scale ?? throw new InvalidOperationException($"BatchNormalization '{Name}': backward without saved state");
        var g = outputGradients[0];
        var dx = Tensor.Create(g.Shape);
        PerPlane(context, g.Floats, dx.Floats, g.Length / Math.Max(1, g.Shape[0] * s.Length), s.Length, c => new ScaleOperator(s[c]));
        gradients[0] = dx;
        return gradients;
    }

    /// <summary>Applies a per-channel operator to each [spatial] plane of an N×C×spatial tensor.</summary>
    private static void PerPlane<TOp>(OpContext context, float[] source, float[] destination, int spatial, int channels, Func<int, TOp> create)
        where TOp : struct, IUnaryOperator
    {
        int planes = spatial == 0 ? 0 : source.Length / spatial;
        void Plane(int p) => ElementwiseKernel.Unary(source.AsSpan(p * spatial, spatial), destination.AsSpan(p * spatial, spatial), create(p % channels));
        if (ElementwiseParallel.Chunks(source.Length, context.Parallel) > 1)
            Parallel.For(0, planes, context.Parallel, Plane);
        else
            for (int p = 0; p < planes; p++)
                Plane(p);
    }
}
