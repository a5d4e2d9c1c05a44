using Explain.Engine.Errors;
using Explain.Engine.Ops;

namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterNormalization(Dictionary<string, Builder> registry)
    {
        registry["BatchNormalization"] = (a, opset) =>
        {
            // training_mode (opset ≥ 14) computes batch statistics and running-mean outputs; opset < 9 spatial = 0
            // uses per-activation statistics. Neither occurs in exported inference models.
            if (a.Int("training_mode", 0) != 0)
                throw new UnsupportedFeatureException("BatchNormalization training_mode=1");
            if (opset < 9 && a.Int("spatial", 1) == 0)
                throw new UnsupportedFeatureException("BatchNormalization spatial=0");
            return new BatchNormalizationOp(a.Float("epsilon", 1e-5f));
        };
        registry["LayerNormalization"] = (a, opset) =>
            new LayerNormalizationOp(a.Int("axis", -1), a.Float("epsilon", 1e-5f));
        // Softmax semantics changed in opset 13: before, the input is coerced to 2-D at axis (default 1).
        registry["Softmax"] = (a, opset) => new SoftmaxOp(a.Int("axis", opset < 13 ? 1 : -1), log: false, legacy: opset < 13);
        registry["LogSoftmax"] = (a, opset) => new SoftmaxOp(a.Int("axis", opset < 13 ? 1 : -1), log: true, legacy: opset < 13);
        // Axes moved from attribute to input 1 in opset 13 for ReduceSum and in opset 18 for the others.
        registry["ReduceSum"] = (a, opset) => Reduce(ReduceOp.Kind.Sum, a, axesFromInput: opset >= 13);
        registry["ReduceMean"] = (a, opset) => Reduce(ReduceOp.Kind.Mean, a, axesFromInput: opset >= 18);
        registry["ReduceMax"] = (a, opset) => Reduce(ReduceOp.Kind.Max, a, axesFromInput: opset >= 18);
        registry["ReduceL2"] = (a, opset) => Reduce(ReduceOp.Kind.L2, a, axesFromInput: opset >= 18);
    }

    private static ReduceOp Reduce(ReduceOp.Kind kind, NodeAttributes a, bool axesFromInput) =>
        new(kind, axesFromInput ? null : a.Ints("axes"), a.Int("keepdims", 1) != 0, a.Int("noop_with_empty_axes", 0) != 0, axesFromInput);
}
