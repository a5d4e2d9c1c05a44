using Explain.Cam.Backends;
using Explain.Cam.Evaluation;
using Explain.Cam.Targets;
using Explain.Cam.Tests.Support;
using Explain.Engine.Tensors;
using Xunit.Abstractions;
using static Explain.Cam.Tests.Support.FamilyFixture;

namespace Explain.Cam.Tests.Families;

/// <summary>
/// Multi-input models (issue 14 part 2) on make_family_fixtures.py's vqa_toy: an image [1, 3, 64, 64] and int64
/// token ids "tokens" [1, 8] (Embedding → mean → Linear), fused with the pooled image features, 10 answer scores.
/// The token ids are an extra input fed to every pass; Grad-CAM and Grad-CAM++ at the image branch's last ReLU
/// for the argmax answer and for <c>output:answers:3</c> match the float64 PyTorch references for two questions
/// on every backend; the gradient at the token branch's embedding output (a target layer in the other branch)
/// matches torch.autograd's.
/// </summary>
/// <remarks>
/// Bound: raw maps relative L2 &lt; 1e-3, as the other family and target fixtures (float32 against float64 through
/// two convolutions and a Gemm: measured ~1e-6). The two questions' maps of one target differ by ~0.5 in relative L2
/// (the fixture's choice), so feeding the wrong tokens, or none, cannot pass.
/// </remarks>
public sealed class MultiInputTests(ITestOutputHelper output)
{
    private const double Bound = 1e-3;

    public static TheoryData<BackendKind> Backends() => new(Fixtures.CamFixtureTests.Backends);

    private static readonly string[] Questions = ["q0", "q1"];

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_ImageAndTokens_BothQuestionsMatchPyTorch(BackendKind backend)
    {
        var f = Require(TwoInput);
        using var explainer = f.Open(backend);
        var problems = new List<string>();
        for (int q = 0; q < Questions.Length; q++)
        {
            var explanation = explainer.Explain(f.Input(), Tokens(f, q), Options(f, q));

            foreach (var method in FamilyFixture.Methods)
            {
                var maps = explanation.Maps.Where(m => m.Method == method).ToList();
                Assert.Equal(2, maps.Count);
                string[] references = [$"q{q}-c{Answer(f, q)}", $"q{q}-out"];
                for (int t = 0; t < 2; t++)
                {
                    Assert.Equal(f.ReferenceShape(method, references[t]), maps[t].RawShape);
                    double error = MapError.RelativeL2(maps[t].Raw, f.Reference(method, references[t]));
                    output.WriteLine($"{backend} {method} {references[t]}: raw rel L2 {error:G3} (< {Bound:G3})");
                    if (!(error < Bound))
                        problems.Add($"{method} {references[t]}: {error:G3}");
                }
            }
        }
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        // The questions' references differ: the test can tell which tokens were fed.
        Assert.True(MapError.RelativeL2(f.Reference("gradcam", "q0-out"), f.Reference("gradcam", "q1-out")) > 0.1);
    }

    /// <summary>"The target layer may be in any branch": the answer's gradient at the token embedding's output, through the backend seam.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void Gradients_AtTheTokenBranch_MatchPyTorch(BackendKind backend)
    {
        var f = Require(TwoInput);
        using var explainer = f.Open(backend);
        string embedding = f.Meta.GetProperty("embedding").GetString()!;
        for (int q = 0; q < Questions.Length; q++)
        {
            int answer = Answer(f, q);
            explainer.Backend.ExtraInputs = Tokens(f, q);
            try
            {
                var pass = explainer.Backend.Forward(f.Input(), new PassRequest([embedding], Gradients: true));
                var seeds = new float[10];
                seeds[answer] = 1;
                var gradient = pass.Gradients("answers", Tensor.FromArray(seeds, [1, 10]), GradientMode.Standard, [embedding])[embedding];

                var expected = Npy.Read(f.File($"grad-embedding-q{q}-c{answer}.npy"));
                Assert.Equal(expected.Shape.Skip(1), gradient.Shape.Skip(1));
                double error = MapError.RelativeL2(gradient.Floats, expected.Floats);
                output.WriteLine($"{backend} q{q}: embedding gradient rel L2 {error:G3}");
                Assert.True(error < Bound, $"q{q}: {error:G3}");
            }
            finally
            {
                explainer.Backend.ExtraInputs = new Dictionary<string, Tensor>();
            }
        }
    }

    /// <summary>A batch of the image with each question: one forward and one backward for both, each image's maps equal to explaining it alone, perturbation methods included.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void ExplainBatch_ImagePerQuestion_EqualsExplainingEachAlone(BackendKind backend)
    {
        var f = Require(TwoInput);
        using var explainer = f.Open(backend);
        string[] methods = ["gradcam", "gradcam++", "scorecam", "ablationcam", "guided-gradcam", "shapleycam"];
        var options = Options(f, 0) with { Methods = methods };
        var targets = Questions.Select((_, q) => Options(f, q).Targets).ToList();

        var batch = explainer.ExplainBatch([f.Input(), f.Input()], [Tokens(f, 0), Tokens(f, 1)], targets, options);

        for (int q = 0; q < Questions.Length; q++)
        {
            var alone = explainer.Explain(f.Input(), Tokens(f, q), options with { Targets = targets[q] });
            Assert.Equal(alone.Maps.Count, batch[q].Maps.Count);
            for (int i = 0; i < alone.Maps.Count; i++)
            {
                var (a, b) = (alone.Maps[i], batch[q].Maps[i]);
                Assert.Equal((a.Method, a.Target), (b.Method, b.Target));
                double error = MapError.RelativeL2(b.Raw, a.Raw);
                output.WriteLine($"{backend} q{q} {a.Method} {a.Target}: batch vs alone {error:G3}");
                Assert.True(error < (a.Method == "shapleycam" ? 1e-4 : 1e-5), $"q{q} {a.Method} {a.Target}: {error:G3}");
            }
        }
        // Each image got its own question: the two images' output-target maps differ as the references do.
        var out0 = batch[0].Maps.Where(m => m.Method == "gradcam").ToList()[1];
        var out1 = batch[1].Maps.Where(m => m.Method == "gradcam").ToList()[1];
        Assert.Equal(out0.Target, out1.Target);
        Assert.True(MapError.RelativeL2(out0.Raw, out1.Raw) > 0.1);
    }

    /// <summary>The perturbation methods re-run the model with the tokens too: both backends give the same Score-CAM and Ablation-CAM maps.</summary>
    [Fact]
    public void PerturbationMethods_WithTokens_AgreeAcrossBackends()
    {
        var f = Require(TwoInput);
        using var ort = f.Open(BackendKind.OnnxRuntime);
        using var managed = f.Open(BackendKind.Managed);
        var options = Options(f, 1) with { Methods = ["scorecam", "ablationcam", "occlusion", "integrated-gradcam"] };

        var a = ort.Explain(f.Input(), Tokens(f, 1), options);
        var b = managed.Explain(f.Input(), Tokens(f, 1), options);

        Assert.Equal(a.Maps.Count, b.Maps.Count);
        for (int i = 0; i < a.Maps.Count; i++)
        {
            double error = MapError.RelativeL2(a.Maps[i].Raw, b.Maps[i].Raw);
            output.WriteLine($"{a.Maps[i].Method} {a.Maps[i].Target}: ORT vs managed {error:G3}");
            Assert.True(error < 1e-4, $"{a.Maps[i].Method} {a.Maps[i].Target}: {error:G3}");
        }
    }

    /// <summary>The metrics' re-runs, aug-smooth's augmented passes and the sanity check's randomized model are fed the tokens too: each question scores its own map.</summary>
    [Fact]
    public void Explain_MetricsSanityCheckAndAugSmooth_RunWithEachImagesTokens()
    {
        var f = Require(TwoInput);
        using var explainer = f.Open(BackendKind.OnnxRuntime);
        var options = Options(f, 0) with { Methods = ["gradcam"], Metrics = true, Evaluation = new EvaluationOptions { SanityCheck = true } };
        var targets = Questions.Select((_, q) => Options(f, q).Targets).ToList();

        var batch = explainer.ExplainBatch([f.Input(), f.Input()], [Tokens(f, 0), Tokens(f, 1)], targets, options);
        var smoothed = explainer.Explain(f.Input(), Tokens(f, 1), options with { Targets = targets[1], AugSmooth = true, Metrics = false });

        // The batch's maps come from one batch-2 gradient run, alone from a batch-1 run: equal to float32 rounding
        // (maps < 1e-5, ExplainBatch_ImagePerQuestion_EqualsExplainingEachAlone), so every score within 1e-4 relative.
        for (int q = 0; q < 2; q++)
        {
            var alone = explainer.Explain(f.Input(), Tokens(f, q), options with { Targets = targets[q] });
            Assert.NotNull(batch[q].Metrics);
            var (expected, actual) = (Numbers(alone.Metrics), Numbers(batch[q].Metrics));
            Assert.Equal(expected.Count, actual.Count);
            for (int i = 0; i < expected.Count; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4 * Math.Max(1, Math.Abs(expected[i])), $"question {q}, score {i}: {actual[i]} vs {expected[i]} alone");
        }
        Assert.NotEqual(Numbers(batch[0].Metrics), Numbers(batch[1].Metrics));
        Assert.Equal(2, smoothed.Maps.Count);
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_BadExtraInputs_RefusedNamingTheInputBeforeAnyPass(BackendKind backend)
    {
        var f = Require(TwoInput);
        using var explainer = f.Open(backend);
        var options = Options(f, 0);
        var tokens = Tokens(f, 0)["tokens"];
        string Refused(IReadOnlyDictionary<string, Tensor> extras, string input = "tokens")
        {
            var refused = Assert.Throws<ExtraInputException>(() => explainer.Explain(f.Input(), extras, options));
            Assert.Equal(input, refused.InputName);
            Assert.False(refused.Missing);
            return refused.Message;
        }

        var missing = Assert.Throws<ExtraInputException>(() => explainer.Explain(f.Input(), options));
        Assert.Contains("extra input 'tokens' is missing", missing.Message);
        Assert.True(missing.Missing);
        Assert.Contains("extra input 'tokens' is float; the model declares int64", Refused(new Dictionary<string, Tensor> { ["tokens"] = Tensor.Zeros(1, 8) }));
        Assert.Contains("extra input 'tokens' has shape [1, 9]", Refused(new Dictionary<string, Tensor> { ["tokens"] = Tensor.FromInt64(new long[9], [1, 9]) }));
        Assert.Contains("an image's extra inputs have batch 1", Refused(new Dictionary<string, Tensor> { ["tokens"] = ExtraInputFeeds.ToBatch("tokens", tokens, 2) }));
        Assert.Contains("'question' is not an input of the model (its other inputs: tokens)",
            Refused(new Dictionary<string, Tensor> { ["tokens"] = tokens, ["question"] = tokens }, "question"));
        Assert.Contains("'input' is the image input", Refused(new Dictionary<string, Tensor> { ["tokens"] = tokens, ["input"] = f.Input() }, "input"));
        var batch = Assert.Throws<ExtraInputException>(() => explainer.ExplainBatch([f.Input(), f.Input()],
            [Tokens(f, 0), new Dictionary<string, Tensor>()], [options.Targets, options.Targets], options));
        Assert.Contains("image 1: extra input 'tokens' is missing", batch.Message);
        Assert.True(batch.Missing);
        Assert.Contains("one set of extra inputs per image", Assert.Throws<ArgumentException>(() => explainer.ExplainBatch([f.Input(), f.Input()],
            [Tokens(f, 0)], [options.Targets, options.Targets], options)).Message);
    }

    /// <summary>A token id outside the embedding's vocabulary is bad input, not a crash.</summary>
    [Theory]
    [MemberData(nameof(Backends))]
    public void Explain_TokenOutsideTheVocabulary_IsRefusedBeforeAnyPass(BackendKind backend)
    {
        var f = Require(TwoInput);
        using var explainer = f.Open(backend);
        var ids = Tokens(f, 0)["tokens"].Longs.ToArray();
        ids[2] = 50;

        var e = Record.Exception(() => explainer.Explain(f.Input(), new Dictionary<string, Tensor> { ["tokens"] = Tensor.FromInt64(ids, [1, 8]) }, Options(f, 0)));

        var refused = Assert.IsType<ExtraInputException>(e);
        output.WriteLine(refused.Message);
        Assert.Equal("tokens", refused.InputName);
        Assert.Contains("extra input 'tokens' holds 50 at [0, 2]", refused.Message);
        Assert.Contains("lie in [0, 49]", refused.Message);
        // Still usable afterwards.
        Assert.NotEmpty(explainer.Explain(f.Input(), Tokens(f, 0), Options(f, 0)).Maps);
    }

    /// <summary>Every number of the metrics, in their serialized order.</summary>
    private static List<double> Numbers(object? metrics)
    {
        var numbers = new List<double>();
        void Walk(System.Text.Json.JsonElement e)
        {
            switch (e.ValueKind)
            {
                case System.Text.Json.JsonValueKind.Number: numbers.Add(e.GetDouble()); break;
                case System.Text.Json.JsonValueKind.Array: foreach (var x in e.EnumerateArray()) Walk(x); break;
                case System.Text.Json.JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Walk(p.Value); break;
            }
        }
        using var doc = System.Text.Json.JsonDocument.Parse(System.Text.Json.JsonSerializer.Serialize(metrics));
        Walk(doc.RootElement);
        return numbers;
    }

    private static Dictionary<string, Tensor> Tokens(FamilyFixture f, int q) => new() { ["tokens"] = Npy.Read(f.File($"tokens{q}.npy")) };

    private static int Answer(FamilyFixture f, int q) => f.Meta.GetProperty("answers")[q].GetInt32();

    private static ExplainOptions Options(FamilyFixture f, int q) =>
        f.Options([new ClassTarget(Answer(f, q)), TargetSpec.Parse($"output:answers:{f.Meta.GetProperty("output_index").GetInt32()}")]);
}
