using Explain.Cam.Targets;
using Explain.Engine.Tensors;

namespace Explain.Cam.Evaluation;

/// <summary>
/// Adebayo et al. 2018's model-parameter randomization test as a metric: the same methods and
/// classes explained once more on a copy of the model with its top layers re-drawn
/// (<see cref="ParameterRandomization"/>, a new backend session on the copy), each scored map
/// compared with its randomized twin (<see cref="SanityCheckScores"/>). Costs one more
/// explanation of every method (no metrics) plus loading the copy.
/// </summary>
internal static class SanityCheck
{
    public static IReadOnlyList<FaithfulnessScores> Attach(Explainer explainer, Tensor input, Explanation explanation, IReadOnlyList<FaithfulnessScores> scores, ExplainOptions options)
    {
        var maps = explanation.Maps.Where(m => m.MapShape.Length == 2 && m.Class is not null).ToList();
        if (maps.Count == 0)
            return scores;
        var (replaced, layers) = ParameterRandomization.Draw(explainer.Graph, options.Evaluation.SanityCheckLayers, options.Seed);
        var cancellation = explainer.Backend.Cancellation;
        using var randomized = new Explainer(explainer.Backend.WithInitializers(replaced), explainer.Card);
        var again = randomized.Explain(input, explainer.Backend.ExtraInputs, options with
        {
            Methods = maps.Select(m => m.Method).Distinct().ToList(),
            // Target objects are fixed; predicted classes are pinned (the randomized model predicts others).
            Targets = options.Targets.Items.Count > 0 ? options.Targets : new TargetSelection(maps.Select(m => m.Class!.Value).Distinct().ToList(), 0, options.Targets.Counterfactual),
            Metrics = false,
            Progress = null,
        }, cancellation);
        return scores.Select(score =>
        {
            var original = maps.FirstOrDefault(m => m.Method == score.Method && m.Target == score.Target);
            var twin = again.Maps.FirstOrDefault(m => m.Method == score.Method && m.Target == score.Target && m.MapShape.Length == 2);
            if (original is null || twin is null)
                throw new InvalidOperationException($"sanity check: no randomized map for {score.Method} {score.Target}");
            return score with
            {
                SanityCheck = new SanityCheckScores(layers, (float)MapSimilarity.Spearman(original.Map, twin.Map), (float)MapSimilarity.Pearson(original.Map, twin.Map)),
            };
        }).ToList();
    }
}
