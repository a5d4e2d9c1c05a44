using Explain.Cam.Pipeline;

namespace Explain.Cam.Attribution;

/// <summary>
/// Deep Feature Factorization (Collins, Achanta &amp; Süsstrunk, ECCV 2018, §3, eq. 1):
/// min ‖A − W H‖_F with W, H ≥ 0, A the target layer's activations as a C × (h·w) matrix, W's k
/// columns the concepts (channel vectors), H's k rows their heatmaps. Follows pytorch-grad-cam
/// (HEAD 084273b, feature_factorization/deep_feature_factorization.py) in what it outputs: each
/// heatmap normalized like a CAM map, each concept vector passed through the classifier head (its
/// computation_on_concepts, here the GAP → FC head read from the graph) and named by its
/// top-softmax classes. The solver is NOT upstream's (scikit-learn NMF, init="random",
/// random_state 0, coordinate descent with a tolerance stop): a deterministic NNDSVDa + fixed-sweep
/// HALS (<see cref="NonNegativeFactorization"/>), the same in tests/fixtures/make_dff_fixtures.py.
/// A ≥ 0 as in the paper, where the layer is post-ReLU: papers mode factorizes max(A, 0);
/// pytorch-grad-cam mode subtracts each channel's minimum and adds it back to the concepts, as
/// upstream's dff() does (docs/compat.md). Multi-layer requests factorize the first layer.
/// </summary>
public static class DeepFeatureFactorization
{
    public const string WireName = "dff";

    /// <summary>Activations to factorize, gradients for the textual explanation's Grad-CAM weights, the head for the concepts' classes.</summary>
    public const MethodNeeds Needs = MethodNeeds.Activations | MethodNeeds.Gradients | MethodNeeds.HeadWeights;

    /// <summary>The factorization of the first target layer, made once per explanation.</summary>
    internal static DffResult Factorize(SharedPasses passes) => passes.Shared(WireName, () =>
    {
        var layer = passes.LayerViews[0].Layer;
        var p = passes.Options.Attribution;
        int c = layer.Channels, n = layer.Positions, k = p.DffConcepts;
        bool offsets = passes.Options.Compat == CompatMode.PytorchGradCam;
        var a = new double[c * n];
        var offset = new double[c];
        for (int ch = 0; ch < c; ch++)
        {
            var row = layer.A(ch);
            double min = double.PositiveInfinity;
            foreach (float v in row) min = Math.Min(min, float.IsNaN(v) ? 0 : v);
            offset[ch] = offsets ? min : 0;
            for (int i = 0; i < n; i++)
            {
                double v = float.IsNaN(row[i]) ? 0 : row[i];
                a[ch * n + i] = offsets ? v - offset[ch] : Math.Max(v, 0);
            }
        }
        var (w, h) = NonNegativeFactorization.Factorize(a, c, n, k, p.DffIterations);
        var head = ClassifierHead.TryFind(passes.Graph, passes.Layers[0], passes.ScoresOutput, out string? why);
        if (head is { } found && found.Channels != c)
            (head, why) = (null, $"the head reads {found.Channels} channels, the layer has {c}");
        var concepts = new List<DffConcept>();
        for (int j = 0; j < k; j++)
        {
            var vector = new double[c];
            for (int ch = 0; ch < c; ch++) vector[ch] = w[ch * k + j] + offset[ch];
            var heatmap = new float[n];
            for (int i = 0; i < n; i++) heatmap[i] = (float)h[j * n + i];
            concepts.Add(new DffConcept(j, vector.Select(v => (float)v).ToArray(), heatmap, head is null ? null : TopClasses(head.Scores(vector), p.DffTopClasses)));
        }
        return new DffResult(passes.Layers[0], layer.Height, layer.Width, w, k, concepts, why);
    });

    private static IReadOnlyList<ConceptClass> TopClasses(double[] scores, int top)
    {
        double max = scores.Max();
        double sum = scores.Sum(s => Math.Exp(s - max));
        return Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(top)
            .Select(i => new ConceptClass(i, (float)scores[i], (float)(Math.Exp(scores[i] - max) / sum))).ToList();
    }
}
