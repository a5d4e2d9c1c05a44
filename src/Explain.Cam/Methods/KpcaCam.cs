using Explain.Cam.Pipeline;

namespace Explain.Cam.Methods;

/// <summary>
/// KPCA-CAM (Karmani et al., "KPCA-CAM: Visual Explainability of Deep Computer Vision Models using
/// Kernel PCA", MMSP 2024, §3): Eigen-CAM with kernel PCA in place of PCA, map = the target layer's
/// activations projected on their first kernel principal component (<see cref="KernelPca"/>),
/// which captures non-linear structure of the activations. Gradient-free and so class-agnostic.
/// Follows pytorch-grad-cam HEAD 084273b (kpca_cam.py, get_2d_projection_kernel): scikit-learn
/// KernelPCA(n_components=1, kernel="sigmoid", gamma=None = 1/C) by default.
/// </summary>
/// <remarks>
/// The kernel matrix is HW × HW and its eigenpair (cyclic Jacobi) costs O((HW)³): measured
/// 2026-12-02 on the shared 2-core machine under load, 0.7 s at 196 positions, 8.6 s at 576, 300 s
/// at 1024. Layers of more than <see cref="MaxPositions"/> positions (16 × 16; the usual CAM
/// layers are 7 × 7 or 14 × 14) are refused before the eigen work starts.
/// </remarks>
public sealed class KpcaCam : AttributionMethod
{
    /// <summary>16 × 16 positions: about a second and a half of Jacobi sweeps.</summary>
    public const int MaxPositions = 256;

    public override string WireName => "kpcacam";

    public override MethodNeeds Needs => MethodNeeds.Activations;

    public override IReadOnlyList<RawMap> RawMaps(SharedPasses passes)
    {
        var p = passes.Options.Attribution;
        for (int l = 0; l < passes.LayerViews.Count; l++)
            if (passes.LayerViews[l].Layer.Positions > MaxPositions)
                throw new ArgumentException($"layers: kpcacam takes layers of at most {MaxPositions} positions (h × w); '{Engine.Errors.LogText.Of(passes.Layers[l])}' has {passes.LayerViews[l].Layer.Positions}");
        var perLayer = passes.LayerViews.Select(v =>
        {
            var layer = v.Layer;
            double gamma = p.KpcaGamma > 0 ? p.KpcaGamma : 1.0 / layer.Channels;
            return new RawMap(KernelPca.Project(layer.Activations, layer.Channels, layer.Positions, p.KpcaKernel, gamma), [layer.Height, layer.Width]);
        }).ToList();
        return passes.Targets.Select(_ => RawMap.OfLayers(perLayer)).ToList();
    }
}
