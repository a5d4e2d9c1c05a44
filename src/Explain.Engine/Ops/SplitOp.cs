using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Split along an axis: sizes from 'split' (attribute before opset 13, input after), else
/// equal parts for the node's output count (num_outputs from opset 18; the last part may be
/// smaller). The gradient concatenates the output gradients, zeros for unused outputs.
/// </summary>
public sealed class SplitOp(long axis, long[]? split, bool splitFromInput, int outputCount) : Op
{
    private int[] _inputShape = [];
    private int[] _sizes = [];
    private int _axis;
    private int _inputCount;

    public override Tensor[] Forward(OpContext context, Tensor[] inputs)
    {
        var x = inputs[0];
        int a = TensorShape.NormalizeAxis(axis, x.Rank);
        var sizes = Sizes(inputs, x.Shape[a]);
        int inner = TensorShape.ElementCount(x.Shape.AsSpan(a + 1));
        int outer = TensorShape.ElementCount(x.Shape.AsSpan(0, a));
        int row = x.Shape[a] * inner;
        var outputs = new Tensor[sizes.Length];
        int offset = 0;
        for (int i = 0; i < sizes.Length; i++)
        {
            var shape = (int[])x.Shape.Clone();
            shape[a] = sizes[i];
            var y = TensorStorage.Zeros(x.Type, shape);
            int block = sizes[i] * inner;
            for (int o = 0; o < outer; o++)
            {
                if (x.Type == DataType.Float32)
                    x.Floats.AsSpan(o * row + offset, block).CopyTo(y.Floats.AsSpan(o * block));
                else
                    x.Longs.AsSpan(o * row + offset, block).CopyTo(y.Longs.AsSpan(o * block));
            }
            outputs[i] = y;
            offset += block;
        }
        (_inputShape, _sizes, _axis, _inputCount) = (x.Shape, sizes, a, inputs.Length);
        return outputs;
    }

    public override Tensor?[] Backward(OpContext context, Tensor[] outputGradients)
    {
        var result = new Tensor?[_inputCount];
        if (!NeedsGradient(0))
            return result;
        int inner = TensorShape.ElementCount(_inputShape.AsSpan(_axis + 1));
        int outerForward = TensorShape.ElementCount(_inputShape.AsSpan(0, _axis));
        // Unused outputs may arrive without a gradient; any present one tells the seed factor.
        int first = Array.FindIndex(outputGradients, g => g is not null);
        int factor = first < 0 ? 1 : TensorStorage.SeedFactor(outputGradients[first], outerForward * _sizes[first] * inner);
        if (_axis == 0)
            TensorStorage.RequireSingleSeed(factor, "Split", "splitting on axis 0");
        var dx = Tensor.Zeros(ScaleBatch(_inputShape, factor));
        int row = _inputShape[_axis] * inner;
        int outer = row == 0 ? 0 : dx.Length / row;
        int offset = 0;
        for (int i = 0; i < _sizes.Length; i++)
        {
            int block = _sizes[i] * inner;
            var g = i < outputGradients.Length ? outputGradients[i] : null;
            if (g is not null)
                for (int o = 0; o < outer; o++)
                    g.Floats.AsSpan(o * block, block).CopyTo(dx.Floats.AsSpan(o * row + offset));
            offset += block;
        }
        result[0] = dx;
        return result;
    }

    private int[] Sizes(Tensor[] inputs, int dim)
    {
        long[]? given = splitFromInput ? TensorStorage.Optional(inputs, 1)?.ToInt64Array() : split;
        if (given is not null)
        {
            if (given.Any(s => s < 0) || given.Sum() != dim)
                throw new TensorShapeException($"Split: sizes [{string.Join(", ", given)}] do not add up to {dim}");
            return Array.ConvertAll(given, s => (int)s);
        }
        if (outputCount <= 0)
            throw new UnsupportedFeatureException("Split into equal parts needs the node's output count, which the importer did not give");
        int chunk = (dim + outputCount - 1) / outputCount;
        return Enumerable.Range(0, outputCount).Select(i => Math.Clamp(dim - i * chunk, 0, chunk)).ToArray();
    }
}
