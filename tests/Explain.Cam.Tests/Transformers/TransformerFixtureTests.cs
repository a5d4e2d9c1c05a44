using Explain.Backends.OnnxRuntime;
using Explain.Cam.Backends;
using Explain.Cam.Models;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Engine.Tensors;
using Xunit.Abstractions;

namespace Explain.Cam.Tests.Transformers;

/// <summary>
/// ViT-B/16 and Swin-T (torchvision, seeded random weights) through the ONNX Runtime backend against
/// float64 PyTorch (tests/fixtures/make_transformer_fixtures.py), issue 11 "Any ONNX model to forward".
/// Bounds as for the CNN fixtures (BackendParityTests, ReferenceComparison): logits and activations
/// relative L2 &lt; 1e-4, gradients &lt; 1e-3, raw maps &lt; 1e-3; a normalized map's largest absolute
/// difference &lt; 1e-5 + 2e-5 / r, r = range(ReLU(raw)) / max|raw| of the reference (min-max divides
/// an error δ·max|raw| by the range, so it grows as 2δ/r; δ ≲ 1e-6 for float32-exact activations
/// and gradients leaves the 2e-5 a 10× margin).
/// XGrad-CAM divides by each channel's activation sum, which LayerNorm outputs (zero-mean tokens)
/// put near 0 (Σ A^k / Σ |A^k| down to 1e-4 here): a relative error δ in A and g becomes δ·F in the
/// raw map, F = ‖Σ_k |Δw_k| |A^k|‖ / ‖raw‖ per unit δ (<see cref="XGradCamAmplification"/>, 350–8,600
/// on these layers). Its bounds are the same model with δ = 1e-6 (what the activation and gradient
/// tests measure): raw &lt; max(1e-3, 1e-6·F), normalized &lt; 1e-5 + 2e-5·max(1, F) / r.
/// The managed engine cannot plan these exports (Equal/Where/bool shape arithmetic), so only ONNX
/// Runtime runs them; their gradients come from the compiled gradient graph with shapes from ONNX Runtime.
/// </summary>
public sealed class TransformerFixtureTests(ITestOutputHelper output)
{
    private const double ForwardBound = 1e-4;
    private const double GradientBound = 1e-3;
    private const double RawMapBound = 1e-3;

    public static readonly string[] Architectures = ["vit_b_16", "swin_t"];

    public static readonly string[] Methods = ["gradcam", "gradcam++", "xgradcam", "hirescam", "gradcam-elementwise", "layercam"];

    public static TheoryData<string> Archs() => [.. Architectures];

    public static TheoryData<string, string> MethodCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var arch in Architectures)
            foreach (var method in Methods)
                data.Add(arch, method);
        return data;
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void Forward_Transformer_LogitsAndLayersMatchPyTorch(string arch)
    {
        // Arrange
        var fixture = TransformerFixture.Require(arch);
        using var backend = OrtBackend.Load(fixture.OnnxPath, threads: 2);

        // Act
        var pass = backend.Forward(fixture.Input(), new PassRequest(fixture.Layers));

        // Assert
        var failures = new List<string>();
        Check("logits", pass.Outputs[fixture.OutputName], fixture.Reference("logits.npy"), ForwardBound, failures);
        for (int t = 0; t < fixture.Layers.Count; t++)
            Check($"layer {fixture.Layers[t]}", pass.Observed[fixture.Layers[t]], fixture.Reference($"act{t}.npy"), ForwardBound, failures);
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Theory]
    [MemberData(nameof(Archs))]
    public void Gradients_TransformerLayers_MatchPyTorch(string arch)
    {
        // Arrange: every class in one seed, every layer in one gradient graph
        var fixture = TransformerFixture.Require(arch);
        using var backend = OrtBackend.Load(fixture.OnnxPath, threads: 2);
        var pass = backend.Forward(fixture.Input(), new PassRequest(fixture.Layers, Gradients: true));
        int classes = pass.Outputs[fixture.OutputName].Shape[^1];
        var seeds = Tensor.Zeros(fixture.Classes.Count, classes);
        for (int k = 0; k < fixture.Classes.Count; k++)
            seeds.Floats[k * classes + fixture.Classes[k]] = 1f;

        // Act
        var gradients = pass.Gradients(fixture.OutputName, seeds, GradientMode.Standard, fixture.Layers);

        // Assert
        var failures = new List<string>();
        for (int t = 0; t < fixture.Layers.Count; t++)
        {
            var all = gradients[fixture.Layers[t]];
            int size = all.Length / fixture.Classes.Count;
            for (int k = 0; k < fixture.Classes.Count; k++)
            {
                var expected = fixture.Reference($"grad{t}-c{fixture.Classes[k]}.npy");
                Check($"gradient at {fixture.Layers[t]} c{fixture.Classes[k]}", Tensor.FromArray(all.Floats.AsSpan(k * size, size).ToArray(), expected.Shape), expected, GradientBound, failures);
            }
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Theory]
    [MemberData(nameof(MethodCases))]
    public void Explain_MethodOnTransformer_MatchesPyTorchWithReshapeTransform(string arch, string method)
    {
        // Arrange: the reshape transform from the model card, as model.json "reshape" gives it
        var fixture = TransformerFixture.Require(arch);
        Assert.Contains(method, fixture.Methods);
        var card = new ModelCard { Name = arch, OnnxPath = fixture.OnnxPath, ScoresOutput = fixture.OutputName, Reshape = fixture.Reshape };
        using var explainer = new Explainer(OrtBackend.Load(fixture.OnnxPath, threads: 2), card);

        var failures = new List<string>();
        for (int t = 0; t < fixture.Layers.Count; t++)
        {
            // Act
            var options = new ExplainOptions { Methods = [method], Layers = [fixture.Layers[t]], Targets = new TargetSelection(fixture.Classes, 0, false) };
            var explanation = explainer.Explain(fixture.Input(), options);

            // Assert
            foreach (int c in fixture.Classes)
            {
                var map = Assert.Single(explanation.Maps, m => m.Class == c);
                var raw = fixture.Reference($"{method}-l{t}-c{c}.raw.npy");
                var normalized = fixture.Reference($"{method}-l{t}-c{c}.npy");
                Assert.Equal(raw.Shape, map.RawShape);
                Assert.Equal(fixture.Grids[t][1..], map.RawShape);
                double rawError = MapError.RelativeL2(map.Raw, raw.Floats);
                double magnitude = raw.Floats.Max(v => Math.Abs((double)v));
                double range = Math.Max(Math.Max(raw.Floats.Max(), 0f) - Math.Max(raw.Floats.Min(), 0f), 0) / magnitude;
                double amplification = method == "xgradcam" ? XGradCamAmplification(fixture, t, c) : 1;
                double rawBound = Math.Max(RawMapBound, 1e-6 * amplification);
                double tolerance = 1e-5 + 2e-5 * Math.Max(1, amplification) / Math.Max(range, 1e-12);
                double normalizedError = MapError.MaxAbs(map.Map, normalized.Floats);
                output.WriteLine($"{arch} {method} layer {t} c{c}: raw rel L2 {rawError:G3} (bound {rawBound:G3}), normalized max |Δ| {normalizedError:G3} (tolerance {tolerance:G3})");
                if (!(rawError < rawBound))
                    failures.Add($"layer {t} c{c}: raw relative L2 {rawError:G3}");
                if (range > 0 && !(normalizedError < tolerance))
                    failures.Add($"layer {t} c{c}: normalized max |Δ| {normalizedError:G3} ≥ {tolerance:G3}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    /// <summary>
    /// How much XGrad-CAM's raw map moves per unit relative error of A and g (the class remarks), from
    /// the float64 references: w_k = Σ(gA)_k / (ΣA_k + 1e-7), |Δw_k| ≤ (Σ|gA|_k + |w_k| Σ|A_k|) / |ΣA_k + 1e-7|.
    /// </summary>
    private static double XGradCamAmplification(TransformerFixture fixture, int layer, int cls)
    {
        var act = fixture.Reference($"act{layer}.npy");
        var grid = Layers.LayerGrid.For(act.Shape, fixture.Reshape, fixture.Layers[layer]);
        var a = grid.ToGrid(act.Floats);
        var g = grid.ToGrid(fixture.Reference($"grad{layer}-c{cls}.npy").Floats);
        int positions = grid.Height * grid.Width;
        var raw = new double[positions];
        var spread = new double[positions];
        for (int k = 0; k < grid.Channels; k++)
        {
            double sum = 0, abs = 0, ga = 0, gaAbs = 0;
            for (int p = 0; p < positions; p++)
            {
                double x = a[k * positions + p], y = g[k * positions + p];
                sum += x; abs += Math.Abs(x); ga += x * y; gaAbs += Math.Abs(x * y);
            }
            double w = ga / (sum + 1e-7), dw = (gaAbs + Math.Abs(w) * abs) / Math.Abs(sum + 1e-7);
            for (int p = 0; p < positions; p++)
            {
                raw[p] += w * a[k * positions + p];
                spread[p] += dw * Math.Abs(a[k * positions + p]);
            }
        }
        return Math.Sqrt(spread.Sum(v => v * v)) / Math.Sqrt(raw.Sum(v => v * v));
    }

    private void Check(string what, Tensor actual, Tensor expected, double bound, List<string> failures)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double error = MapError.RelativeL2(actual.Floats, expected.Floats);
        output.WriteLine($"{what}: relative L2 {error:G3} (bound {bound:G3})");
        if (!(error < bound))
            failures.Add($"{what}: relative L2 {error:G3} ≥ {bound:G3}");
    }
}
