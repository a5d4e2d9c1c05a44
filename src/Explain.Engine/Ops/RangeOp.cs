using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>ONNX Range: max(ceil((limit − start) / delta), 0) values start, start + delta, … of the inputs' type.</summary>
public sealed class RangeOp : Op
{
    public override bool IsDifferentiable => false;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var (start, limit, delta) = (inputs[0], inputs[1], inputs[2]);
        if (start.Type == DataType.Int64)
        {
            long s = start.Longs[0], d = delta.Longs[0];
            if (d == 0)
                throw new TensorShapeException("Range: delta is 0");
            int n = Count(Math.Ceiling((limit.Longs[0] - s) / (double)d));
            var values = new long[n];
            for (int i = 0; i < n; i++)
                values[i] = s + i * d;
            return [Tensor.FromInt64(values, n)];
        }
        float fs = start.Floats[0], fd = delta.Floats[0];
        if (fd == 0)
            throw new TensorShapeException("Range: delta is 0");
        int count = Count(Math.Ceiling((limit.Floats[0] - fs) / (double)fd));
        var floats = new float[count];
        // The spec's loop accumulates (start, start + delta, ...); multiplying keeps rounding bounded.
        for (int i = 0; i < count; i++)
            floats[i] = fs + i * fd;
        return [Tensor.FromArray(floats, count)];
    }

    private static int Count(double n) => n <= 0 ? 0
        : n > TensorShape.MaxElements ? throw new TensorShapeException($"Range: {n} elements is too many")
        : (int)n;
}
