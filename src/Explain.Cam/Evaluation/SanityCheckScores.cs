namespace Explain.Cam.Evaluation;

/// <summary>
/// The model-parameter randomization test of one map (Adebayo et al. 2018, §3.1): how similar the
/// method's map on the model with its top <see cref="RandomizedLayers"/> layers re-drawn is to its
/// map on the trained model. Spearman rank correlation and Pearson correlation of the normalized
/// maps, as the paper's Figure 2 reports them; 1 = unchanged (the method ignores those parameters),
/// near 0 = the map depends on them, as an explanation of the model should.
/// </summary>
public sealed record SanityCheckScores(int RandomizedLayers, float Spearman, float Pearson);
