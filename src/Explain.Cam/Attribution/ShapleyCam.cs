using Explain.Cam.Backends;
using Explain.Cam.Pipeline;
using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Cam.Attribution;

/// <summary>
/// ShapleyCAM (Cai et al., "CAMs as Shapley value-based explainers", 2025, eq. 12):
/// w_k = mean_ij (g − ½ H A)^k_ij with g = ∂s/∂A and H = ∂²s/∂A² (pytorch-grad-cam's ShapleyCAM:
/// the Hessian-vector product of the gradient with A), map = Σ_k w_k A^k; s is the ReST score
/// 2y_c − logsumexp(y) by default (<see cref="ShapleyScore"/>). With y = f(A) and s = T(y):
/// H A = Jᵀ ∇²T (J A) + Σ_c ∂T/∂y_c ∇²y_c A. The second term is zero almost everywhere when the
/// network after the layer is piecewise linear, which is checked (<see cref="PiecewiseLinearSuffix"/>)
/// — otherwise the method refuses. So g − ½ H A = Jᵀ u with u = ∇T − ½ ∇²T (J A), ∇²T = −(diag p − p pᵀ)
/// for ReST: ONE backward pass with the seed rows u_t gives every target's weights.
/// J A, the directional derivative of the scores along A, is a central difference of the suffix
/// re-run (only the layers after A) at A(1 ± h), h = 1e-2: exact in a linear piece; the one-sided
/// differences are compared and h halved (down to 1e-2/64) while they disagree by more than 1e-3
/// relative, i.e. while a ReLU decision flips inside ±h·A. Its float32 rounding error is about
/// 2⁻²⁴·max|y|/h ≈ 6e-6·max|y| per class (measured against PyTorch's exact double backward in the tests).
/// </summary>
public sealed class ShapleyCam : AttributionMethod
{
    private const double Step = 1e-2;
    private const int Halvings = 6;

    public override string WireName => "shapleycam";

    public override MethodNeeds Needs => MethodNeeds.Activations | MethodNeeds.Gradients | MethodNeeds.ExtraPasses | MethodNeeds.Perturbations;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var score = passes.Options.Attribution.ShapleyScore;
        var perLayer = passes.Layers.Select((layer, l) =>
        {
            PiecewiseLinearSuffix.Require(passes.Graph, layer, passes.ScoresOutput, WireName);
            var view = passes.LayerViews[l].Layer;
            // J A is needed whenever some target's score is curved in the logits: ReST (the default for class targets), softmax targets.
            bool curved = passes.Targets.Any(t => t is ClassTarget ? score == ShapleyScore.Rest : t is SoftmaxTarget or RestTarget);
            var jvp = curved ? DirectionalDerivative(passes, layer, view) : null;
            var seeds = Seeds(passes, jvp, score);
            var g = passes.Forward.GradientsOfRows(passes.ScoresOutput, seeds, GradientMode.Standard, [layer])[layer];
            int size = view.Activations.Length;
            return passes.Targets.Select((_, t) =>
            {
                var adjusted = view.With(view.Activations, g.Floats.AsSpan(t * size, size).ToArray());
                var weights = new Methods.GradCam().ChannelWeights(adjusted);
                return new RawMap(Methods.CamMethod.Combine(view.Weighted(weights), view, passes.Options.EigenSmooth), [view.Height, view.Width]);
            }).ToList();
        }).ToList();
        return passes.Targets.Select((_, t) => RawMap.OfLayers(perLayer.Select(maps => maps[t]).ToList())).ToList();
    }

    /// <summary>u_t = ∇T_t − ½ ∇²T_t (J A) per target, [K, classes].</summary>
    private static Tensor Seeds(SharedPasses passes, double[]? jvp, ShapleyScore score)
    {
        var y = passes.Scores;
        int classes = y.Length;
        var seeds = Tensor.Zeros(passes.Targets.Count, classes);
        var p = new float[classes];
        System.Numerics.Tensors.TensorPrimitives.SoftMax(y, p);
        double pJa = jvp is null ? 0 : Enumerable.Range(0, classes).Sum(j => p[j] * jvp[j]);
        for (int t = 0; t < passes.Targets.Count; t++)
        {
            var row = seeds.Floats.AsSpan(t * classes, classes);
            var target = passes.Targets[t];
            if (score == ShapleyScore.Logit || target is not ClassTarget ct)
            {
                // A target object is its own score T: u = ∇T − ½ ∇²T (J A); linear targets have no second term.
                target.WriteSeed(y, row);
                if (jvp is not null && target is not ClassTarget)
                {
                    var curvature = new double[classes];
                    target.WriteHessianProduct(y, jvp, curvature);
                    for (int j = 0; j < classes; j++)
                        row[j] = (float)(row[j] - 0.5 * curvature[j]);
                }
                continue;
            }
            float sign = ct.Counterfactual ? -1f : 1f;
            for (int j = 0; j < classes; j++)
            {
                // ∇T = 2e_c − p; −½∇²T·JA = ½ (p ⊙ JA − p (pᵀJA)).
                double gradient = (j == ct.Class ? 2 : 0) - p[j];
                double curvature = 0.5 * (p[j] * jvp![j] - p[j] * pJa);
                row[j] = (float)(sign * (gradient + curvature));
            }
        }
        return seeds;
    }

    /// <summary>J A by central differences of the suffix at A(1 ± h), halving h while the one-sided slopes disagree.</summary>
    private static double[] DirectionalDerivative(SharedPasses passes, string layer, Methods.LayerMaps view)
    {
        int[] shape = [1, view.Channels, view.Height, view.Width];
        var a = view.Activations;
        double h = Step;
        double[] central = [];
        for (int attempt = 0; attempt <= Halvings; attempt++, h /= 2)
        {
            double factor = h;
            var scores = passes.Probe.ScoresFromLayer(passes.Input, layer, 3, shape, (i, row) =>
                System.Numerics.Tensors.TensorPrimitives.Multiply(a, (float)(1 + (1 - i) * factor), row));
            int classes = scores.Length / 3;
            double worst = 0, scale = 0;
            central = new double[classes];
            for (int j = 0; j < classes; j++)
            {
                double plus = scores[j], mid = scores[classes + j], minus = scores[2 * classes + j];
                central[j] = (plus - minus) / (2 * h);
                worst = Math.Max(worst, Math.Abs(plus - 2 * mid + minus));
                scale = Math.Max(scale, Math.Abs(plus - mid) + Math.Abs(mid - minus));
            }
            if (worst <= 1e-3 * scale + 1e-6 * scores.Max(Math.Abs))
                break;
        }
        return central;
    }
}
