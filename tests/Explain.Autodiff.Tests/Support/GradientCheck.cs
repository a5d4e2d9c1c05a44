using Explain.Engine.Graph;
using Explain.Engine.Onnx;
using Explain.Engine.Ops;
using Explain.Engine.Tensors;

namespace Explain.Autodiff.Tests.Support;

/// <summary>
/// Checks a compiled gradient graph on a small model: the ORT-run gradients at the input for K
/// random seeds against (1) the managed engine's exact backward and (2) central finite
/// differences of the ORT forward, accumulated in float64.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Engine agreement: both are float32 implementations of the same exact gradient.</summary>
    public const double EngineTolerance = 1e-4;

    /// <summary>
    /// Finite differences with step h = 1e-3 on float32 forwards: truncation O(h²) and rounding
    /// O(ε·|L|/h) ≈ 1e-4 relative; 2e-3 leaves room without hiding a wrong rule (those are off by O(1)).
    /// </summary>
    public const double DifferenceTolerance = 2e-3;

    private const float Step = 1e-3f;

    public sealed record Result(float[] Gradient, double? EngineError, double? DifferenceError, GradientGraph Graph);

    public static Result Run(byte[] model, string input, float[] x, int[] shape, string output, int seeds = 3,
        GradientMode mode = GradientMode.Standard, bool engine = true, bool differences = true, int seed = 1, TensorShapeProbe? shapes = null)
    {
        var graph = GradientCompiler.Compile(model, new GradientRequest([], output, mode, IncludeInputGradient: true), shapes: shapes);
        using var forward = new Ort(model);
        var y = forward.Run(new Dictionary<string, (float[], int[])> { [input] = (x, shape) })[output];
        int[] seedShape = [seeds, .. y.Shape.Skip(1).Select(d => (int)d)];
        int perSeed = y.Data.Length;
        var seedData = Data.Normal(new Random(seed), seeds * perSeed);

        using var backward = new Ort(graph.Model);
        var outputs = backward.Run(new Dictionary<string, (float[], int[])>
        {
            [input] = (x, shape),
            [graph.SeedInput] = (seedData, seedShape),
        });
        var scores = outputs[graph.ScoresOutput].Data;
        Assert.True(Data.RelativeL2(scores, y.Data) < 1e-6, "the gradient graph's scores differ from the model's output");
        var gradient = outputs[graph.GradientOutputs[input]];
        Assert.Equal([seeds, .. shape.Skip(shape[0] == 1 ? 1 : 0).Select(d => (long)d)], gradient.Shape);

        double? engineError = null, differenceError = null;
        if (engine)
            engineError = Data.RelativeL2(gradient.Data, Engine(model, input, x, shape, output, seedData, seedShape, mode));
        if (differences)
            differenceError = Data.RelativeL2(gradient.Data, FiniteDifferences(forward, input, x, shape, output, seedData, seeds));
        return new Result(gradient.Data, engineError, differenceError, graph);
    }

    public static void AssertClose(Result r)
    {
        if (r.EngineError is { } e)
            Assert.True(e < EngineTolerance, $"ORT gradient graph vs managed engine: rel-L2 {e:g3} >= {EngineTolerance:g}");
        if (r.DifferenceError is { } d)
            Assert.True(d < DifferenceTolerance, $"ORT gradient graph vs finite differences: rel-L2 {d:g3} >= {DifferenceTolerance:g}");
    }

    private static float[] Engine(byte[] model, string input, float[] x, int[] shape, string output, float[] seeds, int[] seedShape, GradientMode mode)
    {
        var session = new Session(OnnxModel.Load(model), new SessionOptions { InputGradients = true, Threads = 1 });
        session.Run(new Dictionary<string, Tensor> { [input] = Tensor.FromArray((float[])x.Clone(), shape) });
        var grads = session.Backward(new Dictionary<string, Tensor> { [output] = Tensor.FromArray((float[])seeds.Clone(), seedShape) },
            mode == GradientMode.Guided ? BackwardMode.Guided : BackwardMode.Standard);
        return grads[input].Floats;
    }

    private static double[] FiniteDifferences(Ort forward, string input, float[] x, int[] shape, string output, float[] seeds, int k)
    {
        var result = new double[k * x.Length];
        var probe = (float[])x.Clone();
        for (int i = 0; i < x.Length; i++)
        {
            probe[i] = x[i] + Step;
            var plus = forward.Run(new Dictionary<string, (float[], int[])> { [input] = (probe, shape) })[output].Data;
            probe[i] = x[i] - Step;
            var minus = forward.Run(new Dictionary<string, (float[], int[])> { [input] = (probe, shape) })[output].Data;
            probe[i] = x[i];
            double h = (double)(x[i] + Step) - (x[i] - Step);
            for (int s = 0; s < k; s++)
            {
                double dot = 0;
                for (int j = 0; j < plus.Length; j++)
                    dot += seeds[s * plus.Length + j] * ((double)plus[j] - minus[j]);
                result[s * x.Length + i] = dot / h;
            }
        }
        return result;
    }
}
