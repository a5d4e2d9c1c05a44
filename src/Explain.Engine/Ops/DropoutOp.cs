using Explain.Engine.Errors;
using Explain.Engine.Tensors;

namespace Explain.Engine.Ops;

/// <summary>
/// ONNX Dropout at inference: the identity (spec: "if training_mode is false ... the output is the
/// input"). The optional inputs ratio and training_mode (opset 12) are read only to refuse training
/// mode, whose output is random. The mask output is not produced (the builder refuses it).
/// </summary>
public sealed class DropoutOp : ViewOp
{
    protected override int[] OutputShape(Tensor[] inputs)
    {
        var training = TensorStorage.Optional(inputs, 2);
        if (training is not null && training.Length > 0 && training.ToFloatArray()[0] != 0)
            throw new UnsupportedFeatureException("Dropout with training_mode = true is not supported (random output)");
        return inputs[0].Shape;
    }
}
