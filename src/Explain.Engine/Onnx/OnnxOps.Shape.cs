using Explain.Engine.Errors;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Engine.Onnx;

public static partial class OnnxOps
{
    private static void RegisterShape(Dictionary<string, Builder> registry)
    {
        registry["Identity"] = (_, _) => new IdentityOp();
        registry["Dropout"] = (a, _) => a.OutputCount > 1
            ? throw new UnsupportedFeatureException("Dropout's mask output is not supported")
            : new DropoutOp();
        registry["Constant"] = (a, _) => new ConstantOp(ConstantValue(a));
        registry["ConstantOfShape"] = (a, _) => new ConstantOfShapeOp(a.Tensor("value"));
        registry["Shape"] = (a, opset) => opset >= 15
            ? new ShapeOp(a.Int("start", 0), a.Has("end") ? a.Int("end", 0) : null)
            : new ShapeOp();
        registry["Size"] = (_, _) => new SizeOp();
        registry["Gather"] = (a, _) => new GatherOp(a.Int("axis", 0));
        registry["Reshape"] = (a, opset) => opset < 5
            ? new ReshapeOp(shapeAttribute: a.Ints("shape") ?? throw new GraphException($"node '{a.Node}': Reshape without shape"))
            : new ReshapeOp(opset >= 14 && a.Int("allowzero", 0) != 0);
        registry["Flatten"] = (a, _) => new FlattenOp(a.Int("axis", 1));
        registry["Transpose"] = (a, _) => new TransposeOp(a.Ints("perm"));
        // Squeeze/Unsqueeze: axes moved from attribute to input in opset 13.
        registry["Squeeze"] = (a, opset) => opset < 13 ? new SqueezeOp(a.Ints("axes")) : new SqueezeOp(axesFromInput: true);
        registry["Unsqueeze"] = (a, opset) => opset < 13
            ? new UnsqueezeOp(a.Ints("axes") ?? throw new GraphException($"node '{a.Node}': Unsqueeze without axes"))
            : new UnsqueezeOp();
        registry["Concat"] = (a, _) => new ConcatOp(a.Has("axis") ? a.Int("axis", 0) : throw new GraphException($"node '{a.Node}': Concat without axis"));
        // Slice: starts/ends/axes attributes before opset 10, inputs (plus steps) after.
        registry["Slice"] = (a, opset) => opset < 10
            ? new SliceOp(
                a.Ints("starts") ?? throw new GraphException($"node '{a.Node}': Slice without starts"),
                a.Ints("ends") ?? throw new GraphException($"node '{a.Node}': Slice without ends"),
                a.Ints("axes"))
            : new SliceOp();
        // Split: 'split' attribute before opset 13, input after; num_outputs from opset 18.
        registry["Split"] = (a, opset) => new SplitOp(
            a.Int("axis", 0), opset < 13 ? a.Ints("split") : null, opset >= 13,
            (int)a.Int("num_outputs", a.OutputCount));
        // Pad: 'paddings' (opset 1), 'pads' attribute (2–10), inputs pads/constant_value/axes (11+).
        registry["Pad"] = (a, opset) => opset < 11
            ? new PadOp(a.String("mode", "constant"), a.Ints(opset < 2 ? "paddings" : "pads", []), a.Float("value", 0f))
            : new PadOp(a.String("mode", "constant"));
        registry["Expand"] = (_, _) => new ExpandOp();
        registry["Tile"] = (_, _) => new TileOp();
        registry["Cast"] = (a, _) => new CastOp(a.Int("to", 0));
        registry["Range"] = (_, _) => new RangeOp();
    }

    /// <summary>Constant's value from whichever of value, value_float(s), value_int(s) the node sets.</summary>
    private static Tensor ConstantValue(NodeAttributes a)
    {
        if (a.Tensor("value") is { } tensor)
            return tensor;
        if (a.Has("value_float"))
            return Tensor.Scalar(a.Float("value_float", 0f));
        if (a.Ints("value_ints") is { } ints)
            return Tensor.FromInt64(ints, ints.Length);
        if (a.Has("value_floats"))
        {
            var floats = a.Floats("value_floats", []);
            return Tensor.FromArray(floats, floats.Length);
        }
        if (a.Has("value_int"))
            return Tensor.FromInt64([a.Int("value_int", 0)]);
        throw new UnsupportedFeatureException($"node '{a.Node}': Constant without a float or int64 value (sparse and string values are not supported)");
    }
}
