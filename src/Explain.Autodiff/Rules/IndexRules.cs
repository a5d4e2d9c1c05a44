using Explain.Autodiff.Compiler;

namespace Explain.Autodiff.Rules;

/// <summary>
/// Ops that pick elements of their input (Slice, Gather, Pad): the forward op is
/// re-run on a ramp of the input's flat indices (same starts, indices, pads, whatever tensors the
/// model computes them from), which yields for every output element the input element it came
/// from; ScatterElements then routes g back. A pick that can repeat an element (Gather with
/// repeated indices, Pad reflect/edge) needs the scatter to add, which ONNX has from opset 16.
/// </summary>
internal static class IndexRules
{
    public static void Register(Dictionary<string, GradientRule> rules)
    {
        rules["Slice"] = (c, g) => Pick(c, g, offset: 0, mayRepeat: false);
        rules["Gather"] = (c, g) => Pick(c, g, offset: 0, mayRepeat: !UniqueIndices(c));
        rules["Pad"] = (c, g) =>
        {
            string mode = c.Node.String("mode", "constant");
            // NOTE: constant padding has no source element: ramp + 1 leaves 0 there, and column 0
            // of the scatter target collects (and drops) the gradient of the padding.
            return Pick(c, g, offset: 1, mayRepeat: mode != "constant");
        };
    }

    private static string?[] Pick(RuleContext c, string?[] g, int offset, bool mayRepeat)
    {
        c.OnlyThrough(0);
        if (mayRepeat && c.Opset < 16)
            throw c.Fail("this pick may repeat input elements, whose gradients must add (ScatterElements reduction, opset 16+)");
        int[] x = c.InShape(0), y = c.OutShape(0);
        long nx = x.Aggregate(1L, (a, b) => a * b), ny = y.Aggregate(1L, (a, b) => a * b);
        var e = c.E;
        var ramp = e.Reshape(e.Node("Range", [e.Int64Scalar(offset), e.Int64Scalar(nx + offset), e.Int64Scalar(1)]), x.Select(d => (long)d));
        var inputs = c.Node.Input.ToArray();
        inputs[0] = ramp;
        if (c.Node.OpType == "Pad" && inputs.Length > 2 && inputs[2].Length > 0)
            inputs[2] = e.Int64Scalar(0);
        var source = e.Node(c.Node.OpType, inputs, [.. c.Node.Attribute]);

        var count = e.Node("Concat", [e.SeedCount(), e.Int64s(ny)], Attributes.Of("axis", 0L));
        var indices = e.Node("Expand", [e.Reshape(source, [1, ny]), count]);
        var target = e.ZerosK([nx + offset]);
        var attributes = new AttributeList { Attributes.Of("axis", 1L) };
        if (c.Opset >= 16)
            attributes.Add(Attributes.Of("reduction", mayRepeat ? "add" : "none"));
        var scattered = e.Node("ScatterElements", [target, indices, e.Reshape(g[0]!, [-1, ny])], [.. attributes]);
        if (offset > 0)
            scattered = e.Node("Slice", [scattered, e.Int64s(offset), e.Int64s(nx + offset), e.Int64s(1)]);
        return [e.ReshapeK(scattered, x)];
    }

    private static bool UniqueIndices(RuleContext c) =>
        c.Constants.TryInt64s(c.In(1), out var indices) && indices.Distinct().Count() == indices.Length;
}
