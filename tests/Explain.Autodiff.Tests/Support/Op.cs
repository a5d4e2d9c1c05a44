using Explain.Engine.Onnx.Proto;

namespace Explain.Autodiff.Tests.Support;

/// <summary>Single-op (or few-op) models for the per-rule checks.</summary>
internal static class Op
{
    public static GradientCheck.Result Check(string op, int[] x, string[] inputs, AttributeProto[]? attributes = null,
        Action<ModelBuilder>? constants = null, int opset = 13, GradientMode mode = GradientMode.Standard,
        Func<float, float>? map = null, bool engine = true, bool differences = true, int outputs = 1, int observedOutput = 0,
        TensorShapeProbe? shapes = null)
    {
        var builder = new ModelBuilder(opset).Input("x", x);
        constants?.Invoke(builder);
        var names = Enumerable.Range(0, outputs).Select(i => i == observedOutput ? "y" : $"unused{i}").ToArray();
        builder.Node(op, inputs, names, attributes ?? []).Output("y");
        return Run(builder.Build(), x, map, mode, engine, differences, shapes);
    }

    public static GradientCheck.Result Run(byte[] model, int[] x, Func<float, float>? map = null,
        GradientMode mode = GradientMode.Standard, bool engine = true, bool differences = true, TensorShapeProbe? shapes = null)
    {
        var data = Data.Normal(new Random(x.Sum() * 7 + x.Length), x.Aggregate(1, (a, b) => a * b));
        if (map is not null)
            data = data.Select(map).ToArray();
        return GradientCheck.Run(model, "x", data, x, "y", mode: mode, engine: engine, differences: differences, shapes: shapes);
    }

    /// <summary>Moves values at least 0.05 away from a kink at <paramref name="kink"/> so ±h differences never straddle it.</summary>
    public static Func<float, float> AwayFrom(params float[] kinks) => v =>
    {
        foreach (float k in kinks)
            if (MathF.Abs(v - k) < 0.05f)
                v = k + (v >= k ? 0.05f : -0.05f);
        return v;
    };
}
